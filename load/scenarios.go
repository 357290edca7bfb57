package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

type op int

const (
	opGetMe op = iota
	opPersonalInfo
	opGallery
)

var opNames = [...]string{"GET /me", "PUT /me/personal-info", "PUT /me/gallery"}

func (o op) String() string { return opNames[o] }
func (o op) isWrite() bool  { return o != opGetMe }

// user is one synthetic creator with its token, minted before the load starts.
type user struct {
	id    string
	token string
}

func mintUsers(m *tokenMinter, prefix string, n int) ([]user, error) {
	users := make([]user, n)
	for i := range users {
		id := fmt.Sprintf("%s%05d", prefix, i)
		t, err := m.mint(id)
		if err != nil {
			return nil, err
		}
		users[i] = user{id: id, token: t}
	}
	return users, nil
}

// budget caps the number of requests any scenario sends (-max-requests), next to the context's deadline.
type budget struct{ left atomic.Int64 }

func newBudget(n int) *budget { b := &budget{}; b.left.Store(int64(n)); return b }
func (b *budget) take() bool  { return b.left.Add(-1) >= 0 }

// requestOf: the method, path and body of one request of op o; seq varies the written values.
func requestOf(o op, seq int) (method, path string, body []byte) {
	switch o {
	case opGetMe:
		method, path = http.MethodGet, "/api/profiles/me"
	case opPersonalInfo:
		method, path = http.MethodPut, "/api/profiles/me/personal-info"
		body = []byte(fmt.Sprintf(`{"displayName":"Load %d","bio":"load test write %d","location":"127.0.0.1",`+
			`"website":"https://load.example/%d","socialLinks":[{"network":"mastodon","url":"https://social.example/@load%d"}],`+
			`"categories":["load","seq-%d"]}`, seq, seq, seq, seq, seq%10))
	case opGallery:
		method, path = http.MethodPut, "/api/profiles/me/gallery"
		body = []byte(fmt.Sprintf(`{"items":[{"url":"https://img.example/%d/1.png","caption":"first %d"},`+
			`{"url":"https://img.example/%d/2.png","caption":"second"}]}`, seq, seq, seq))
	}
	return method, path, body
}

func doRequest(ctx context.Context, c config, client *http.Client, u user, o op, seq int) sample {
	method, path, body := requestOf(o, seq)
	base := c.baseURLs[seq%len(c.baseURLs)] // round robin over the instances
	req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(body))
	s := sample{op: o, user: u.id}
	if err != nil {
		s.err = err.Error()
		return s
	}
	req.Header.Set("Authorization", "Bearer "+u.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		s.status = resp.StatusCode
	} else {
		s.err = err.Error()
	}
	s.latency = time.Since(start)
	s.end = time.Now()
	return s
}

// hotUser: N requests for ONE user (GET /me and both PUTs in turn), all goroutines released from one barrier,
// so the first upserts of a user that does not exist yet race each other.
func hotUser(ctx context.Context, c config, client *http.Client, m *tokenMinter, rec *recorder) error {
	users, err := mintUsers(m, c.userPrefix, 1)
	if err != nil {
		return err
	}
	u := users[0]
	n := min(c.requests, c.maxRequests)
	slots := make(chan struct{}, c.concurrency)
	barrier := make(chan struct{})
	var ready, done sync.WaitGroup
	ready.Add(n)
	done.Add(n)
	for i := 0; i < n; i++ {
		go func(i int) {
			defer done.Done()
			ready.Done()
			<-barrier
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				rec.skip()
				return
			}
			defer func() { <-slots }()
			if ctx.Err() != nil {
				rec.skip()
				return
			}
			rec.add(doRequest(ctx, c, client, u, op(i%3), i))
		}(i)
	}
	ready.Wait()
	rec.start()
	close(barrier)
	done.Wait()
	rec.stop()
	return nil
}

// manyUsers: U users x W writes (personal-info and gallery in turn), C in flight. The jobs go out user by user,
// so one user's writes are in flight together and its first writes race to create the profile.
func manyUsers(ctx context.Context, c config, client *http.Client, m *tokenMinter, rec *recorder) error {
	users, err := mintUsers(m, c.userPrefix, c.users)
	if err != nil {
		return err
	}
	type job struct {
		u   user
		o   op
		seq int
	}
	jobs := make(chan job)
	b := newBudget(c.maxRequests)
	var wg sync.WaitGroup
	rec.start()
	for w := 0; w < c.concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				rec.add(doRequest(ctx, c, client, j.u, j.o, j.seq))
			}
		}()
	}
feed:
	for i, u := range users {
		for k := 0; k < c.writes; k++ {
			if !b.take() {
				break feed
			}
			select {
			case jobs <- job{u: u, o: op(1 + k%2), seq: i*c.writes + k}:
			case <-ctx.Done():
				break feed
			}
		}
	}
	close(jobs)
	wg.Wait()
	rec.stop()
	return nil
}

// steady: for -duration, mixed requests (half GET /me, a quarter each PUT) for users picked at random from a pool,
// either as fast as -concurrency workers allow or paced at -rate requests per second.
func steady(ctx context.Context, c config, client *http.Client, m *tokenMinter, rec *recorder) error {
	users, err := mintUsers(m, c.userPrefix, c.userPool)
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithTimeout(ctx, c.duration)
	defer cancel()
	b := newBudget(c.maxRequests)
	var seq atomic.Int64
	var ticks chan struct{}
	if c.rate > 0 {
		ticks = make(chan struct{}, c.concurrency)
	}
	var wg sync.WaitGroup
	rec.start()
	for w := 0; w < c.concurrency; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rnd := rand.New(rand.NewSource(c.seed + int64(w)))
			for runCtx.Err() == nil {
				if ticks != nil {
					select {
					case <-ticks:
					case <-runCtx.Done():
						return
					}
				}
				if !b.take() {
					return
				}
				u := users[rnd.Intn(len(users))]
				var o op
				switch r := rnd.Intn(4); {
				case r < 2:
					o = opGetMe
				case r == 2:
					o = opPersonalInfo
				default:
					o = opGallery
				}
				// The request itself runs on the outer context: one in flight at the end of -duration completes.
				rec.add(doRequest(ctx, c, client, u, o, int(seq.Add(1))))
			}
		}(w)
	}
	if ticks != nil {
		interval := time.Duration(float64(time.Second) / c.rate)
		t := time.NewTicker(interval)
	pace:
		for {
			select {
			case <-t.C:
				select {
				case ticks <- struct{}{}:
				default:
					rec.missTick() // every worker busy: the service is behind the asked rate
				}
			case <-runCtx.Done():
				break pace
			}
		}
		t.Stop()
	}
	wg.Wait()
	rec.stop()
	return nil
}

// fixedMix: the throughput benchmark's workloads, -requests in all at -concurrency, each for a user picked from
// -users: uniform-writes (PUT personal-info, users uniform), hot-writes (the same, -hot-share of the requests on the
// first user), get-or-create (GET /me, users uniform). bench/ThroughputCeiling issues the same upserts through the
// driver, so the two can be compared request for request.
func fixedMix(ctx context.Context, c config, client *http.Client, m *tokenMinter, rec *recorder) error {
	users, err := mintUsers(m, c.userPrefix, c.users)
	if err != nil {
		return err
	}
	o := opPersonalInfo
	if c.scenario == "get-or-create" {
		o = opGetMe
	}
	hotShare := 0.0
	if c.scenario == "hot-writes" {
		hotShare = c.hotShare
	}
	var fast *fastClient
	if c.httpClient == "fasthttp" {
		fast = newFastClient(c)
	}
	n := int64(min(c.requests, c.maxRequests))
	var next atomic.Int64
	var wg sync.WaitGroup
	rec.start()
	for w := 0; w < c.concurrency; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rnd := rand.New(rand.NewSource(c.seed + int64(w)))
			for {
				i := next.Add(1) - 1
				if i >= n {
					return
				}
				if ctx.Err() != nil {
					rec.skip()
					continue
				}
				u := users[0]
				if rnd.Float64() >= hotShare {
					u = users[rnd.Intn(len(users))]
				}
				if fast != nil {
					rec.add(fast.do(ctx, c, u, o, int(i)))
				} else {
					rec.add(doRequest(ctx, c, client, u, o, int(i)))
				}
			}
		}(w)
	}
	wg.Wait()
	rec.stop()
	return nil
}
