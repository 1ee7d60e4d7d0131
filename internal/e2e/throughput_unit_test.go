package e2e

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestBenchParseWrk(t *testing.T) {
	out := `Running 4s test @ http://127.0.0.1:8000/api/items/
  1 threads and 10 connections
  Latency Distribution
     50%   12.00ms
     75%   15.00ms
     90%   20.00ms
     99%   41.50ms
  1804 requests in 4.00s, 3.10MB read
Requests/sec:    450.90
Transfer/sec:    793.12KB
`
	res, err := benchParseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	if res.requests != 1804 || res.rate != 450.90 || res.p50 != 12*time.Millisecond || res.p99 != 41500*time.Microsecond {
		t.Errorf("got %+v", res)
	}
	if _, err := benchParseWrk(strings.Replace(out, "  Latency", "  Non-2xx or 3xx responses: 3\n  Latency", 1)); err == nil {
		t.Error("a report with errors parsed")
	}
	if _, err := benchParseWrk(strings.Replace(out, "1804 requests", "requests", 1)); err == nil {
		t.Error("a report without a request count parsed")
	}
}

func TestBenchProcCPU(t *testing.T) {
	comm, pgrp, cpu, ok := benchProcCPU("/proc/self/stat")
	if !ok || comm == "" || pgrp <= 0 || cpu < 0 {
		t.Fatalf("/proc/self/stat: %q %d %v %v", comm, pgrp, cpu, ok)
	}
	dir := t.TempDir()
	// A name with spaces and a parenthesis, as a process may choose.
	stat := "42 (a (b) c) S 1 7 7 0 -1 4194560 10 0 0 0 150 50 20 30 20 0 1 0 1 1 1\n"
	if err := os.WriteFile(dir+"/stat", []byte(stat), 0o644); err != nil {
		t.Fatal(err)
	}
	comm, pgrp, cpu, ok = benchProcCPU(dir + "/stat")
	if !ok || comm != "a (b) c" || pgrp != 7 || cpu != 2.5 {
		t.Errorf("got %q %d %v %v, want \"a (b) c\" 7 2.5 true", comm, pgrp, cpu, ok)
	}
}

func TestBenchOtherLoad(t *testing.T) {
	at := time.Now()
	before := benchCPU{at: at, busy: 100, groups: []float64{10, 20}, postgres: 5, self: 1}
	after := benchCPU{at: at.Add(4 * time.Second), busy: 108, groups: []float64{13, 23}, postgres: 6, self: 1.2}
	// 8 s busy in 4 s, of which 3 + 3 + 1 + 0.2 ours: 0.8 s others, 0.2 a second.
	if got := benchOtherLoad(before, after); got < 0.199 || got > 0.201 {
		t.Errorf("other load %v, want 0.2", got)
	}
}

func TestBenchProfileTable(t *testing.T) {
	db := func(v float64) *float64 { return &v }
	var rows []benchProfileRow
	for r := range 3 {
		for _, path := range []string{"list", "detail"} {
			rows = append(rows,
				benchProfileRow{Variant: "whole project", Path: path, Round: r, CPU: 1000 + float64(r), DB: db(200), Queries: 4, Calls: 5000},
				benchProfileRow{Variant: "without the connection health check", Path: path, Round: r, CPU: 900 + float64(r), DB: db(150), Queries: 3, Calls: 4900},
				benchProfileRow{Variant: "with a per-user throttle", Path: path, Round: r, CPU: 1300 + float64(r), DB: db(300), Queries: 6, Calls: 6200},
				benchProfileRow{Variant: "baseline", Path: path, Round: r, CPU: 700, DB: db(100), Queries: 3, Calls: 4000},
			)
		}
	}
	table := benchProfileTable(rows, 3, "Django 5.2")
	for _, want := range []string{
		"connection health check", "+100", "+50", "+1", "+100",
		"per-user throttle (if added)", "+300", "+2", "+1200",
		"baseline (hand-written)", "generated, whole project",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

func TestBenchWatchVerdict(t *testing.T) {
	quiet := &benchWatch{before: "0.20 0.30 0.40", loadNow: 0.2}
	if v := quiet.verdict(0.05); v != "" {
		t.Errorf("quiet run: %q", v)
	}
	if v := quiet.verdict(0.9); !strings.Contains(v, "LOADED") || !strings.Contains(v, "0.90") {
		t.Errorf("busy rounds: %q", v)
	}
	busy := &benchWatch{before: "3.00 2.00 1.00", loadNow: 3}
	if v := busy.verdict(0); !strings.Contains(v, "LOADED") || !strings.Contains(v, "3.00 before the run") {
		t.Errorf("busy start: %q", v)
	}
}
