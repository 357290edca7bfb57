package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type seen struct {
	method, path, auth, contentType, body string
}

func fastConfig(baseURL string) config {
	return config{baseURLs: []string{baseURL}, concurrency: 4, reqTimeout: 5 * time.Second}
}

func TestFastClientSendsTheRequestAndReadsTheStatus(t *testing.T) {
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(b)}
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"userId":"u1"}`))
	}))
	defer srv.Close()

	s := newFastClient(fastConfig(srv.URL)).do(context.Background(), fastConfig(srv.URL), user{id: "u1", token: "t0k"}, opPersonalInfo, 7)

	if s.err != "" || s.status != http.StatusCreated {
		t.Fatalf("status %d, err %q; want 201 and no error", s.status, s.err)
	}
	r := <-got
	_, _, wantBody := requestOf(opPersonalInfo, 7)
	if r.method != http.MethodPut || r.path != "/api/profiles/me/personal-info" || r.auth != "Bearer t0k" ||
		r.contentType != "application/json" || r.body != string(wantBody) {
		t.Fatalf("server saw %+v", r)
	}
	if s.user != "u1" || s.op != opPersonalInfo || s.latency <= 0 {
		t.Fatalf("sample %+v", s)
	}
}

func TestFastClientDialsNothingButLoopbackAddress(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { requests.Add(1) }))
	defer srv.Close()
	// The same server, named by a host name instead of 127.0.0.1: refused before any connection.
	url := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)

	s := newFastClient(fastConfig(url)).do(context.Background(), fastConfig(url), user{id: "u1", token: "t"}, opGetMe, 0)

	if !strings.Contains(s.err, "refusing to dial") || s.status != 0 || requests.Load() != 0 {
		t.Fatalf("err %q, status %d, requests %d; want a refusal and no request", s.err, s.status, requests.Load())
	}
}

func TestFastClientGivesUpAtTheContextDeadline(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // held until the test ends (bounded: 10 s)
		case <-release:
		case <-time.After(10 * time.Second):
		}
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()

	s := newFastClient(fastConfig(srv.URL)).do(ctx, fastConfig(srv.URL), user{id: "u1", token: "t"}, opGetMe, 0)

	if s.err == "" || s.status != 0 || s.latency > 5*time.Second {
		t.Fatalf("err %q, status %d, latency %v; want a timeout well before the handler's 10 s", s.err, s.status, s.latency)
	}
}
