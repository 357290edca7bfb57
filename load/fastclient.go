package main

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/valyala/fasthttp"
)

// fastClient issues the throughput scenarios' requests with fasthttp (-http-client fasthttp). The load tool shares the
// machine's cores with the service it measures, and the ceiling it is compared with has no client to pay for; Go's
// net/http hands every request to a connection's reader and writer goroutines and allocates per request, while
// fasthttp writes and reads on the calling goroutine with pooled buffers. The wire is the same: HTTP/1.1, one
// keep-alive connection per request in flight.
type fastClient struct {
	client  *fasthttp.Client
	timeout time.Duration
}

func newFastClient(c config) *fastClient {
	return &fastClient{timeout: c.reqTimeout, client: &fasthttp.Client{
		// Every connection goes to 127.0.0.1, whatever the URL says; fasthttp's Do follows no redirect.
		Dial: func(addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil || host != "127.0.0.1" {
				return nil, fmt.Errorf("refusing to dial %q: only 127.0.0.1", addr)
			}
			return net.DialTimeout("tcp", addr, 5*time.Second)
		},
		MaxConnsPerHost:          c.concurrency + 8,
		MaxIdleConnDuration:      30 * time.Second,
		NoDefaultUserAgentHeader: true,
	}}
}

func (f *fastClient) do(ctx context.Context, c config, u user, o op, seq int) sample {
	method, path, body := requestOf(o, seq)
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer func() {
		fasthttp.ReleaseRequest(req)
		fasthttp.ReleaseResponse(resp)
	}()
	req.SetRequestURI(c.baseURLs[seq%len(c.baseURLs)] + path) // round robin over the instances
	req.Header.SetMethod(method)
	req.Header.Set("Authorization", "Bearer "+u.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.SetContentType("application/json")
		req.SetBodyRaw(body)
	}
	s := sample{op: o, user: u.id}
	start := time.Now()
	deadline := start.Add(f.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := f.client.DoDeadline(req, resp, deadline); err != nil {
		s.err = err.Error()
	} else {
		s.status = resp.StatusCode()
	}
	s.latency = time.Since(start)
	s.end = time.Now()
	return s
}
