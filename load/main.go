// Command load fires bounded, concurrent HTTP load at the creator-profiles API on 127.0.0.1, then counts
// the profiles per user straight in MongoDB: the run fails if any user has more than one profile (or,
// for a user the run wrote to, not exactly one) or any request got a non-2xx answer.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

type config struct {
	scenario    string
	baseURL     string
	metricsURL  string
	metricsURLs []string // -metrics-base-url split at commas, one per -base-url
	baseURLs    []string // -base-url split at commas: requests go round robin over them
	hotShare    float64
	keyPath     string
	issuer      string
	audience    string
	requests    int
	users       int
	writes      int
	concurrency int
	rate        float64
	duration    time.Duration
	maxRequests int
	maxDuration time.Duration
	userPool    int
	userPrefix  string
	mongoURI    string
	db          string
	collection  string
	jsonOut     string
	reqTimeout  time.Duration
	httpClient  string
	seed        int64
}

func main() {
	os.Exit(run())
}

func run() int {
	var c config
	flag.StringVar(&c.scenario, "scenario", "hot-user", "hot-user | many-users | steady | uniform-writes | hot-writes | get-or-create")
	flag.StringVar(&c.baseURL, "base-url", "http://127.0.0.1:8080", "service base URL(s), comma-separated for several instances (round robin); host must be 127.0.0.1")
	flag.StringVar(&c.metricsURL, "metrics-base-url", "", "base URL(s) of /q/metrics (the packaged app's management port), one per -base-url; default the -base-url(s)")
	flag.Float64Var(&c.hotShare, "hot-share", 0.2, "hot-writes: share of the requests that go to the one hot user")
	flag.StringVar(&c.keyPath, "key", "../dev-keys/privateKey.pem", "PEM RSA private key that signs the tokens (the DEV key)")
	flag.StringVar(&c.issuer, "issuer", "https://dev.creator-profiles.local", "token iss")
	flag.StringVar(&c.audience, "audience", "creator-profiles", "token aud")
	flag.IntVar(&c.requests, "requests", 500, "hot-user: requests for the one user, released together; uniform-writes, hot-writes, get-or-create: requests in all")
	flag.IntVar(&c.users, "users", 100, "many-users: number of users; uniform-writes, hot-writes, get-or-create: users picked from uniformly")
	flag.IntVar(&c.writes, "writes", 20, "many-users: writes per user")
	flag.IntVar(&c.concurrency, "concurrency", 0, "in-flight requests (default: hot-user all of -requests, many-users 32, steady 16)")
	flag.Float64Var(&c.rate, "rate", 0, "steady: requests per second (0 = as fast as -concurrency allows)")
	flag.DurationVar(&c.duration, "duration", 30*time.Second, "steady: how long to run")
	flag.IntVar(&c.maxRequests, "max-requests", 100000, "hard cap on requests sent, any scenario")
	flag.DurationVar(&c.maxDuration, "max-duration", 120*time.Second, "hard cap on the load phase, any scenario")
	flag.IntVar(&c.userPool, "user-pool", 200, "steady: users picked from at random")
	flag.StringVar(&c.userPrefix, "user-prefix", "", "prefix of generated userIds (default: load-<scenario>-<time>-)")
	flag.StringVar(&c.mongoURI, "mongo-uri", "", "MongoDB URI for the count check (host must be 127.0.0.1); empty skips the check (and fails the run)")
	flag.StringVar(&c.db, "db", "creator_profiles", "database the service uses")
	flag.StringVar(&c.collection, "collection", "creator_profiles", "profile collection")
	flag.StringVar(&c.jsonOut, "json", "", "also write the result as JSON to this file ('-' = stdout)")
	flag.DurationVar(&c.reqTimeout, "request-timeout", 30*time.Second, "per-request timeout")
	flag.StringVar(&c.httpClient, "http-client", "net", "uniform-writes, hot-writes, get-or-create: net (Go's net/http) | fasthttp (less of the load tool's own CPU per request, for the throughput benchmark)")
	flag.Int64Var(&c.seed, "seed", 0, "random seed (0 = time)")
	watch := flag.String("watch-pids", "", "name=PID,... : also report these processes' CPU over the load phase (cpu_s)")
	flag.Parse()

	if err := parseWatchPIDs(*watch); err != nil {
		fmt.Fprintln(os.Stderr, "load: "+err.Error())
		return 2
	}
	if err := validate(&c); err != nil {
		fmt.Fprintln(os.Stderr, "load: "+err.Error())
		return 2
	}
	key, err := loadPrivateKey(c.keyPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load: key: "+err.Error())
		return 2
	}
	minter := &tokenMinter{key: key, issuer: c.issuer, audience: c.audience, ttl: c.maxDuration + 10*time.Minute}

	// Connect to MongoDB before the load, so a wrong URI fails fast instead of after the run.
	var counter *profileCounter
	if c.mongoURI != "" {
		counter, err = newProfileCounter(c.mongoURI, c.db, c.collection)
		if err != nil {
			fmt.Fprintln(os.Stderr, "load: mongo: "+err.Error())
			return 2
		}
		defer counter.close()
	}

	client := newHTTPClient(c)
	res := &result{Scenario: c.scenario, BaseURL: c.baseURL, Started: time.Now().UTC().Format(time.RFC3339)}
	before := scrapeAllRetries(client, c.metricsURLs)

	ctx, cancel := context.WithTimeout(context.Background(), c.maxDuration)
	defer cancel()
	rec := newRecorder()
	switch c.scenario {
	case "hot-user":
		err = hotUser(ctx, c, client, minter, rec)
	case "many-users":
		err = manyUsers(ctx, c, client, minter, rec)
	case "steady":
		err = steady(ctx, c, client, minter, rec)
	case "uniform-writes", "hot-writes", "get-or-create":
		err = fixedMix(ctx, c, client, minter, rec)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load: "+err.Error())
		return 2
	}
	rec.summarize(res, c)
	after := scrapeAllRetries(client, c.metricsURLs)
	res.RetriesBefore, res.RetriesAfter = sumRetries(before), sumRetries(after)
	if len(c.baseURLs) > 1 {
		res.RetriesByInstance = map[string][2]*float64{}
		for i, b := range c.baseURLs {
			res.RetriesByInstance[b] = [2]*float64{before[i], after[i]}
		}
	}

	if counter != nil {
		cctx, ccancel := context.WithTimeout(context.Background(), 60*time.Second)
		res.Counts, err = counter.count(cctx, rec.usersTouched(), rec.usersWritten())
		ccancel()
		if err != nil {
			res.Failures = append(res.Failures, "count check failed: "+err.Error())
		}
	} else {
		res.Failures = append(res.Failures, "no -mongo-uri: documents per user not checked")
	}
	res.judge()

	printTable(os.Stdout, res)
	if c.jsonOut != "" {
		b, _ := json.MarshalIndent(res, "", "  ")
		if c.jsonOut == "-" {
			fmt.Println(string(b))
		} else if err := os.WriteFile(c.jsonOut, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "load: json: "+err.Error())
			return 2
		}
	}
	if res.Pass {
		return 0
	}
	return 1
}

func validate(c *config) error {
	switch c.scenario {
	case "hot-user", "many-users", "steady", "uniform-writes", "hot-writes", "get-or-create":
	default:
		return fmt.Errorf("unknown -scenario %q (hot-user | many-users | steady | uniform-writes | hot-writes | get-or-create)", c.scenario)
	}
	c.baseURLs = nil
	for _, b := range strings.Split(c.baseURL, ",") {
		u, err := url.Parse(strings.TrimSpace(b))
		if err != nil {
			return fmt.Errorf("-base-url: %v", err)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return fmt.Errorf("-base-url: scheme must be http or https, got %q", u.Scheme)
		}
		if u.Hostname() != "127.0.0.1" {
			return fmt.Errorf("-base-url: refusing host %q: load may only target 127.0.0.1", u.Hostname())
		}
		c.baseURLs = append(c.baseURLs, strings.TrimRight(strings.TrimSpace(b), "/"))
	}
	if len(c.baseURLs) > 16 {
		return fmt.Errorf("-base-url: at most 16 instances")
	}
	c.baseURL = strings.Join(c.baseURLs, ",")
	if c.hotShare < 0 || c.hotShare > 1 {
		return fmt.Errorf("-hot-share must be in [0, 1]")
	}
	if c.httpClient != "net" && c.httpClient != "fasthttp" {
		return fmt.Errorf("-http-client must be net or fasthttp")
	}
	if c.httpClient == "fasthttp" && c.scenario != "uniform-writes" && c.scenario != "hot-writes" && c.scenario != "get-or-create" {
		return fmt.Errorf("-http-client fasthttp is for uniform-writes, hot-writes and get-or-create only")
	}
	c.metricsURLs = c.baseURLs
	if c.metricsURL != "" {
		c.metricsURLs = nil
		for _, b := range strings.Split(c.metricsURL, ",") {
			m, err := url.Parse(strings.TrimSpace(b))
			if err != nil || m.Hostname() != "127.0.0.1" {
				return fmt.Errorf("-metrics-base-url: must be http://127.0.0.1:<port>, got %q", b)
			}
			c.metricsURLs = append(c.metricsURLs, strings.TrimRight(strings.TrimSpace(b), "/"))
		}
		if len(c.metricsURLs) != len(c.baseURLs) {
			return fmt.Errorf("-metrics-base-url: %d URL(s) for %d -base-url(s)", len(c.metricsURLs), len(c.baseURLs))
		}
	}
	if c.requests < 1 || c.users < 1 || c.writes < 1 || c.userPool < 1 || c.maxRequests < 1 {
		return fmt.Errorf("-requests, -users, -writes, -user-pool and -max-requests must be >= 1")
	}
	if c.maxDuration <= 0 || c.maxDuration > time.Hour {
		return fmt.Errorf("-max-duration must be in (0, 1h]")
	}
	if c.duration <= 0 {
		return fmt.Errorf("-duration must be > 0")
	}
	if c.rate < 0 || c.concurrency < 0 {
		return fmt.Errorf("-rate and -concurrency must be >= 0")
	}
	if c.concurrency == 0 {
		switch c.scenario {
		case "hot-user":
			c.concurrency = c.requests
		case "many-users":
			c.concurrency = 32
		case "steady":
			c.concurrency = 16
		default: // the benchmark workloads
			c.concurrency = 64
		}
	}
	if c.concurrency > 2000 {
		return fmt.Errorf("-concurrency above 2000 is refused on this machine")
	}
	if c.userPrefix == "" {
		c.userPrefix = fmt.Sprintf("load-%s-%d-", c.scenario, time.Now().Unix())
	}
	if c.seed == 0 {
		c.seed = time.Now().UnixNano()
	}
	return nil
}

func newHTTPClient(c config) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		// Every connection goes to 127.0.0.1, whatever the URL says (defence in depth: no redirect or
		// proxy can send load elsewhere).
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil || host != "127.0.0.1" {
				return nil, fmt.Errorf("refusing to dial %q: only 127.0.0.1", addr)
			}
			return dialer.DialContext(ctx, network, addr)
		},
		Proxy:               nil,
		MaxIdleConns:        c.concurrency + 8,
		MaxIdleConnsPerHost: c.concurrency + 8,
		MaxConnsPerHost:     c.concurrency + 8,
		IdleConnTimeout:     30 * time.Second,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   c.reqTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
