package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/minio/madmin-go"
	"github.com/minio/minio-go/v7"
)

// traceUntil streams ServiceTrace with `opts` while `poke` sends S3 requests (every 200 ms: the
// stream's subscription races the first ones) until a record satisfies `want`, or 10 s pass.
// It returns the records seen.
func traceUntil(ctx context.Context, adm *madmin.AdminClient, opts madmin.ServiceTraceOpts,
	poke func(), want func(madmin.TraceInfo) bool) ([]madmin.TraceInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	stream := adm.ServiceTrace(ctx, opts)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	var seen []madmin.TraceInfo
	for {
		select {
		case <-tick.C:
			poke()
		case rec, ok := <-stream:
			if !ok {
				return seen, fmt.Errorf("the trace stream ended after %d records", len(seen))
			}
			if rec.Err != nil {
				return seen, rec.Err
			}
			seen = append(seen, rec.Trace)
			if want(rec.Trace) {
				return seen, nil
			}
		case <-ctx.Done():
			return seen, fmt.Errorf("no wanted record in 10 s; saw %d: %+v", len(seen), seen)
		}
	}
}

// traceChecks: madmin-go's ServiceTrace reads Cairn's trace stream (issue 16's /trace, the
// issue 18 call): S3 calls arrive with their function name, path and status; OnlyErrors keeps
// only failures; a user without admin:ServerTrace is refused.
func traceChecks(ctx context.Context, adm *madmin.AdminClient, root *minio.Client, endpoint string) {
	const key = "trace/madmin.txt"
	check("ServiceTrace streams S3 calls with name, path and status", func() error {
		poke := func() { _ = putObject(root, "madmin-it", key, []byte("traced")) }
		_, err := traceUntil(ctx, adm, madmin.ServiceTraceOpts{S3: true}, poke,
			func(t madmin.TraceInfo) bool {
				return t.TraceType == madmin.TraceS3 && t.FuncName == "s3.PutObject" &&
					strings.HasSuffix(t.Path, "/madmin-it/"+key) && t.HTTP != nil &&
					t.HTTP.RespInfo.StatusCode == http.StatusOK && t.Duration > 0 &&
					!t.Time.IsZero() && t.NodeName != ""
			})
		return err
	}())
	check("ServiceTrace OnlyErrors keeps only failed calls", func() error {
		poke := func() {
			_ = putObject(root, "madmin-it", key, []byte("traced"))
			_, _ = getObject(root, "madmin-it", "trace/missing.txt")
		}
		seen, err := traceUntil(ctx, adm, madmin.ServiceTraceOpts{S3: true, OnlyErrors: true}, poke,
			func(t madmin.TraceInfo) bool {
				return t.FuncName == "s3.GetObject" && t.HTTP != nil &&
					t.HTTP.RespInfo.StatusCode == http.StatusNotFound
			})
		if err != nil {
			return err
		}
		for _, t := range seen {
			if t.HTTP == nil || t.HTTP.RespInfo.StatusCode < 400 {
				return fmt.Errorf("a successful call in an errors-only trace: %+v", t)
			}
		}
		return nil
	}())
	check("ServiceTrace is refused without admin:ServerTrace", func() error {
		if err := adm.AddUser(ctx, "tracer", "tracer-secret-1"); err != nil {
			return err
		}
		defer adm.RemoveUser(ctx, "tracer")
		if err := adm.SetPolicy(ctx, "readwrite", "tracer", false); err != nil {
			return err
		}
		user, err := madmin.New(endpoint, "tracer", "tracer-secret-1", false)
		if err != nil {
			return err
		}
		tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		rec, ok := <-user.ServiceTrace(tctx, madmin.ServiceTraceOpts{S3: true})
		if !ok || rec.Err == nil {
			return fmt.Errorf("a readwrite user's trace was not refused: %+v", rec)
		}
		// madmin-go 2.0.7 closes the body before it reads the error of a refused trace, so only
		// the status is left to check ("403 Forbidden" as the code); test_trace.py checks the
		// JSON error body itself.
		if got := madmin.ToErrorResponse(rec.Err).Code; got != "403 Forbidden" {
			return fmt.Errorf("want a 403, got %q (%v)", got, rec.Err)
		}
		return nil
	}())
}
