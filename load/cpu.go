package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/stat and /proc/PID/stat times (100 on Linux).
const clockTicks = 100

// watchedPIDs are the processes whose CPU the load phase reports beside the machine's and the tool's own
// (-watch-pids name=PID,...).
var watchedPIDs = map[string]int{}

func parseWatchPIDs(spec string) error {
	for _, part := range strings.Split(spec, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		name, pid, ok := strings.Cut(part, "=")
		n, err := strconv.Atoi(pid)
		if !ok || err != nil || n <= 0 || name == "" || name == "machine" || name == "load_tool" {
			return fmt.Errorf("-watch-pids: %q is not name=PID", part)
		}
		watchedPIDs[name] = n
	}
	return nil
}

// cpuSnapshot is CPU time so far: the machine's busy time (every /proc/stat state but idle and iowait, all cores),
// this tool's own (getrusage) and each watched process's (utime + stime); a value that cannot be read is -1.
func cpuSnapshot() map[string]time.Duration {
	snap := map[string]time.Duration{"machine": machineBusy(), "load_tool": ownCPU()}
	for name, pid := range watchedPIDs {
		snap[name] = processCPU(pid)
	}
	return snap
}

// cpuSeconds is the CPU each entry spent between two snapshots, in seconds; unreadable entries are left out.
func cpuSeconds(before, after map[string]time.Duration) map[string]float64 {
	out := map[string]float64{}
	for name, b := range before {
		if a, ok := after[name]; ok && a >= 0 && b >= 0 {
			out[name] = (a - b).Seconds()
		}
	}
	return out
}

func ownCPU() time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return -1
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

func machineBusy() time.Duration {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return -1
	}
	line, _, _ := strings.Cut(string(data), "\n")
	fields := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	var busy int64
	for i := 1; i < len(fields) && i <= 8; i++ {
		if i == 4 || i == 5 {
			continue
		}
		v, err := strconv.ParseInt(fields[i], 10, 64)
		if err != nil {
			return -1
		}
		busy += v
	}
	return ticks(busy)
}

func processCPU(pid int) time.Duration {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	s := string(data)
	// Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15.
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return -1
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return ticks(utime + stime)
}

func ticks(n int64) time.Duration { return time.Duration(n) * time.Second / clockTicks }
