package main

import (
	"context"
	"fmt"
	"net"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/x/mongo/driver/connstring"
)

// profileCounter counts profiles per userId straight in MongoDB, bypassing the service.
type profileCounter struct {
	client *mongo.Client
	coll   *mongo.Collection
}

func newProfileCounter(uri, db, coll string) (*profileCounter, error) {
	cs, err := connstring.ParseAndValidate(uri)
	if err != nil {
		return nil, err
	}
	if cs.Scheme != connstring.SchemeMongoDB {
		return nil, fmt.Errorf("-mongo-uri: only mongodb:// with host 127.0.0.1 is allowed")
	}
	for _, h := range cs.Hosts {
		host, _, err := net.SplitHostPort(h)
		if err != nil {
			host = h
		}
		if host != "127.0.0.1" {
			return nil, fmt.Errorf("-mongo-uri: refusing host %q: only 127.0.0.1", h)
		}
	}
	opts := options.Client().ApplyURI(uri).SetServerSelectionTimeout(5 * time.Second).SetConnectTimeout(5 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client, err := mongo.Connect(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := client.Ping(ctx, nil); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	return &profileCounter{client: client, coll: client.Database(db).Collection(coll)}, nil
}

func (p *profileCounter) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = p.client.Disconnect(ctx)
}

// count reports documents per user. Only $match/$group with $sum: FerretDB 1.24 lacks $push and friends.
func (p *profileCounter) count(ctx context.Context, touched, written []string) (*counts, error) {
	c := &counts{RunUsers: len(touched), RunUsersWritten: len(written)}
	var err error
	if c.TotalDocs, err = p.coll.CountDocuments(ctx, bson.D{}); err != nil {
		return nil, err
	}

	perUser := map[string]int64{}
	const chunk = 500 // bounded $in lists
	for i := 0; i < len(touched); i += chunk {
		part := touched[i:min(i+chunk, len(touched))]
		cur, err := p.coll.Aggregate(ctx, mongo.Pipeline{
			{{Key: "$match", Value: bson.D{{Key: "userId", Value: bson.D{{Key: "$in", Value: part}}}}}},
			{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$userId"}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}},
		}, options.Aggregate().SetBatchSize(500))
		if err != nil {
			return nil, err
		}
		var rows []struct {
			ID string `bson:"_id"`
			N  int64  `bson:"n"`
		}
		if err := cur.All(ctx, &rows); err != nil {
			return nil, err
		}
		for _, r := range rows {
			perUser[r.ID] = r.N
			c.RunDocs += r.N
		}
	}
	for _, u := range written {
		if n := perUser[u]; n != 1 {
			c.UsersNotOne++
			if len(c.Examples) < 10 {
				c.Examples = append(c.Examples, fmt.Sprintf("user %s: %d documents", u, n))
			}
		}
	}
	for _, u := range touched {
		if n := perUser[u]; n > 1 && !contains(written, u) {
			c.UsersNotOne++ // a user with no 2xx still must not have duplicates
		}
	}

	// Whole collection: any userId with more than one document, from this run or not.
	cur, err := p.coll.Aggregate(ctx, mongo.Pipeline{
		{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$userId"}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}},
		{{Key: "$match", Value: bson.D{{Key: "n", Value: bson.D{{Key: "$gt", Value: 1}}}}}},
	}, options.Aggregate().SetBatchSize(500))
	if err != nil {
		return nil, err
	}
	defer cur.Close(ctx)
	dups := []string{}
	for cur.Next(ctx) {
		var r struct {
			ID any   `bson:"_id"`
			N  int64 `bson:"n"`
		}
		if err := cur.Decode(&r); err != nil {
			return nil, err
		}
		c.UsersWithDuplicate++
		if len(dups) < 10 {
			dups = append(dups, fmt.Sprintf("duplicate: userId %v has %d documents", r.ID, r.N))
		}
	}
	if err := cur.Err(); err != nil {
		return nil, err
	}
	sort.Strings(dups)
	c.Examples = append(c.Examples, dups...)
	return c, nil
}

func contains(sorted []string, s string) bool {
	i := sort.SearchStrings(sorted, s)
	return i < len(sorted) && sorted[i] == s
}
