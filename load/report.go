package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

type sample struct {
	op      op
	user    string
	status  int
	err     string
	latency time.Duration
	end     time.Time
}

type recorder struct {
	mu      sync.Mutex
	samples []sample
	skipped int
	missed  int
	t0, t1  time.Time
	// CPU so far at start and stop (cpuSnapshot).
	cpu0, cpu1 map[string]time.Duration
}

func newRecorder() *recorder { return &recorder{samples: make([]sample, 0, 4096)} }

func (r *recorder) start() { r.cpu0 = cpuSnapshot(); r.t0 = time.Now() }
func (r *recorder) stop()  { r.t1 = time.Now(); r.cpu1 = cpuSnapshot() }
func (r *recorder) add(s sample) {
	r.mu.Lock()
	r.samples = append(r.samples, s)
	r.mu.Unlock()
}
func (r *recorder) skip()     { r.mu.Lock(); r.skipped++; r.mu.Unlock() }
func (r *recorder) missTick() { r.mu.Lock(); r.missed++; r.mu.Unlock() }

// usersTouched: every user a request was sent for; usersWritten: users with at least one 2xx answer,
// who therefore must have exactly one profile.
func (r *recorder) usersTouched() []string { return r.users(func(sample) bool { return true }) }
func (r *recorder) usersWritten() []string {
	return r.users(func(s sample) bool { return s.status >= 200 && s.status < 300 })
}
func (r *recorder) users(keep func(sample) bool) []string {
	seen := map[string]bool{}
	for _, s := range r.samples {
		if keep(s) {
			seen[s.user] = true
		}
	}
	out := make([]string, 0, len(seen))
	for u := range seen {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

type latency struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	P999  float64 `json:"p999_ms"`
	Max   float64 `json:"max_ms"`
	Mean  float64 `json:"mean_ms"`
}

func latencyOf(ds []time.Duration) latency {
	if len(ds) == 0 {
		return latency{}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	pct := func(p float64) float64 {
		i := int(p*float64(len(ds))+0.999999) - 1 // nearest rank
		i = max(0, min(i, len(ds)-1))
		return ms(ds[i])
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return latency{Count: len(ds), P50: pct(0.50), P95: pct(0.95), P99: pct(0.99), P999: pct(0.999), Max: ms(ds[len(ds)-1]),
		Mean: ms(sum / time.Duration(len(ds)))}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type counts struct {
	TotalDocs          int64    `json:"total_docs_in_collection"`
	RunUsers           int      `json:"run_users"`
	RunUsersWritten    int      `json:"run_users_with_2xx"`
	RunDocs            int64    `json:"run_docs"`
	UsersNotOne        int      `json:"run_users_with_2xx_not_exactly_one_doc"`
	UsersWithDuplicate int      `json:"users_with_more_than_one_doc_in_collection"`
	Examples           []string `json:"examples,omitempty"`
}

type result struct {
	Scenario    string  `json:"scenario"`
	BaseURL     string  `json:"base_url"`
	Started     string  `json:"started"`
	Requests    int     `json:"requests"`
	Skipped     int     `json:"skipped_at_deadline"`
	MissedTicks int     `json:"missed_rate_ticks"`
	ElapsedSec  float64 `json:"elapsed_s"`
	// CPU seconds over the load phase: "machine" (all cores, busy), "load_tool", and each -watch-pids process.
	CPU           map[string]float64 `json:"cpu_s,omitempty"`
	Throughput    float64            `json:"throughput_rps"`
	Latency       latency            `json:"latency"`
	ByOp          map[string]latency `json:"latency_by_op"`
	Statuses      map[string]int     `json:"statuses"`
	Errors        map[string]int     `json:"transport_errors,omitempty"`
	RetriesBefore *float64           `json:"dup_key_retries_before"`
	RetriesAfter  *float64           `json:"dup_key_retries_after"`
	// Per instance (base URL), when the load is spread over several: before and after.
	RetriesByInstance map[string][2]*float64 `json:"dup_key_retries_by_instance,omitempty"`
	Counts            *counts                `json:"counts"`
	Failures          []string               `json:"failures"`
	Pass              bool                   `json:"pass"`
}

func (r *recorder) summarize(res *result, c config) {
	res.Requests = len(r.samples)
	res.Skipped = r.skipped
	res.MissedTicks = r.missed
	elapsed := r.t1.Sub(r.t0)
	res.ElapsedSec = elapsed.Seconds()
	if r.cpu0 != nil && r.cpu1 != nil {
		res.CPU = cpuSeconds(r.cpu0, r.cpu1)
	}
	if elapsed > 0 {
		res.Throughput = float64(len(r.samples)) / elapsed.Seconds()
	}
	res.Statuses = map[string]int{}
	res.Errors = map[string]int{}
	all := make([]time.Duration, 0, len(r.samples))
	byOp := map[op][]time.Duration{}
	for _, s := range r.samples {
		if s.err != "" {
			res.Statuses["error"]++
			e := s.err
			if len(e) > 160 {
				e = e[:160]
			}
			res.Errors[e]++
			continue
		}
		res.Statuses[strconv.Itoa(s.status)]++
		all = append(all, s.latency)
		byOp[s.op] = append(byOp[s.op], s.latency)
	}
	res.Latency = latencyOf(all)
	res.ByOp = map[string]latency{}
	for o, ds := range byOp {
		res.ByOp[o.String()] = latencyOf(ds)
	}
	if len(res.Errors) == 0 {
		res.Errors = nil
	}
}

func (res *result) judge() {
	for code, n := range res.Statuses {
		if c, err := strconv.Atoi(code); err != nil || c < 200 || c > 299 {
			res.Failures = append(res.Failures, fmt.Sprintf("%d responses with status %s", n, code))
		}
	}
	if res.Skipped > 0 {
		res.Failures = append(res.Failures, fmt.Sprintf("%d requests not sent: -max-duration reached", res.Skipped))
	}
	if res.Requests == 0 {
		res.Failures = append(res.Failures, "no requests completed")
	}
	if c := res.Counts; c != nil {
		if c.UsersWithDuplicate > 0 {
			res.Failures = append(res.Failures, fmt.Sprintf("%d users have more than one profile", c.UsersWithDuplicate))
		}
		if c.UsersNotOne > 0 {
			res.Failures = append(res.Failures, fmt.Sprintf("%d users of this run with a 2xx answer do not have exactly one profile", c.UsersNotOne))
		}
	}
	sort.Strings(res.Failures)
	res.Pass = len(res.Failures) == 0
}

// scrapeRetries reads profiles_upsert_duplicate_key_retries_total from /q/metrics (summed over labels);
// nil when the metric cannot be read.
func scrapeRetries(client *http.Client, base string) *float64 {
	resp, err := client.Get(base + "/q/metrics")
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil
	}
	const name = "profiles_upsert_duplicate_key_retries_total"
	var total float64
	found := false
	sc := bufio.NewScanner(io.LimitReader(resp.Body, 16<<20))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) || len(line) == len(name) || (line[len(name)] != ' ' && line[len(name)] != '{') {
			continue
		}
		var fields []string
		if i := strings.LastIndex(line, "}"); i >= 0 {
			fields = strings.Fields(line[i+1:])
		} else {
			fields = strings.Fields(line[len(name):])
		}
		if len(fields) == 0 {
			continue
		}
		if v, err := strconv.ParseFloat(fields[0], 64); err == nil {
			total += v
			found = true
		}
	}
	if !found {
		return nil
	}
	return &total
}

func scrapeAllRetries(client *http.Client, bases []string) []*float64 {
	out := make([]*float64, len(bases))
	for i, b := range bases {
		out[i] = scrapeRetries(client, b)
	}
	return out
}

// sumRetries: the total over the instances; nil when any instance could not be read.
func sumRetries(per []*float64) *float64 {
	var total float64
	for _, p := range per {
		if p == nil {
			return nil
		}
		total += *p
	}
	return &total
}

func fmtRetries(p *float64) string {
	if p == nil {
		return "n/a"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

func printTable(w io.Writer, r *result) {
	fmt.Fprintf(w, "\n== scenario %s against %s (started %s)\n", r.Scenario, r.BaseURL, r.Started)
	fmt.Fprintf(w, "%-34s %s\n", "requests completed", strconv.Itoa(r.Requests))
	if r.Skipped > 0 {
		fmt.Fprintf(w, "%-34s %d\n", "not sent (max-duration)", r.Skipped)
	}
	if r.MissedTicks > 0 {
		fmt.Fprintf(w, "%-34s %d\n", "rate ticks missed (all busy)", r.MissedTicks)
	}
	fmt.Fprintf(w, "%-34s %.2f s\n", "elapsed", r.ElapsedSec)
	fmt.Fprintf(w, "%-34s %.1f req/s\n", "throughput", r.Throughput)
	fmt.Fprintf(w, "\n%-24s %7s %9s %9s %9s %9s %9s %9s\n", "latency (ms)", "count", "p50", "p95", "p99", "p99.9", "max", "mean")
	row := func(name string, l latency) {
		fmt.Fprintf(w, "%-24s %7d %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f\n", name, l.Count, l.P50, l.P95, l.P99, l.P999, l.Max, l.Mean)
	}
	row("all", r.Latency)
	for _, o := range opNames {
		if l, ok := r.ByOp[o]; ok {
			row(o, l)
		}
	}
	fmt.Fprintf(w, "\n%-10s %s\n", "status", "count")
	keys := make([]string, 0, len(r.Statuses))
	for k := range r.Statuses {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%-10s %d\n", k, r.Statuses[k])
	}
	for e, n := range r.Errors {
		fmt.Fprintf(w, "  error x%d: %s\n", n, e)
	}
	fmt.Fprintf(w, "\n%-34s %s -> %s\n", "dup-key retries (/q/metrics)", fmtRetries(r.RetriesBefore), fmtRetries(r.RetriesAfter))
	if len(r.RetriesByInstance) > 1 {
		bases := make([]string, 0, len(r.RetriesByInstance))
		for b := range r.RetriesByInstance {
			bases = append(bases, b)
		}
		sort.Strings(bases)
		for _, b := range bases {
			fmt.Fprintf(w, "  %-32s %s -> %s\n", b, fmtRetries(r.RetriesByInstance[b][0]), fmtRetries(r.RetriesByInstance[b][1]))
		}
	}
	if c := r.Counts; c != nil {
		fmt.Fprintf(w, "%-34s %d\n", "docs in collection (all runs)", c.TotalDocs)
		fmt.Fprintf(w, "%-34s %d (with a 2xx: %d)\n", "users in this run", c.RunUsers, c.RunUsersWritten)
		fmt.Fprintf(w, "%-34s %d\n", "docs of this run's users", c.RunDocs)
		fmt.Fprintf(w, "%-34s %d (must be 0)\n", "run users with != 1 doc", c.UsersNotOne)
		fmt.Fprintf(w, "%-34s %d (must be 0)\n", "users with > 1 doc (collection)", c.UsersWithDuplicate)
		for _, e := range c.Examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
	if r.Pass {
		fmt.Fprintf(w, "\nRESULT: PASS\n")
	} else {
		fmt.Fprintf(w, "\nRESULT: FAIL\n")
		for _, f := range r.Failures {
			fmt.Fprintf(w, "  - %s\n", f)
		}
	}
}
