"""Runs a command several times; prints JSON with the median wall time (s) and the peak RSS (MB).

Wall time comes from a monotonic clock around each run; peak RSS from the kernel's accounting of
that one child (os.wait4), so nothing else on the machine is counted.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def measure(command, runs, stdout_path):
    walls, peak_kb = [], 0
    for _ in range(runs):
        with open(stdout_path, "wb") as out:
            start = time.perf_counter()
            child = subprocess.Popen(command, stdout=out)
            _, status, usage = os.wait4(child.pid, 0)
            walls.append(time.perf_counter() - start)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            sys.exit(f"{command[0]} exited {child.returncode}")
        peak_kb = max(peak_kb, usage.ru_maxrss)
    return {"wall": statistics.median(walls), "runs": [round(w, 3) for w in walls], "rss_mb": peak_kb / 1024}


if __name__ == "__main__":
    runs, stdout_path, command = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    print(json.dumps(measure(command, runs, stdout_path)))
