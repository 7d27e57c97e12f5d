"""The load `belay serve` holds on one live run: FOLLOWERS concurrent Server-Sent-Events followers
and RATE requests per second of the run's status, for SECONDS. Prints latency percentiles.

usage: load.py <base-url> <run> <followers> <rate> <seconds>

- status reads: time from sending GET /api/runs/<run> to the whole answer, on keep-alive
  connections, paced at RATE per second by a pool of workers;
- followers: each opens the run's event stream and counts the events it receives; a follower's
  delivery lag is when it received an event minus the event's journal time (same clock).
Every loop is bounded in count and time; only the loopback address is used.
"""
import http.client
import json
import sys
import threading
import time
from datetime import datetime, timezone
from urllib.parse import urlparse


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def follower(host, port, run, stop_at, results, index):
    received, lags, ended = 0, [], False
    try:
        connection = http.client.HTTPConnection(host, port, timeout=stop_at - time.time() + 30)
        connection.request("GET", "/api/runs/%s/events/stream" % run)
        response = connection.getresponse()
        event = None
        while time.time() < stop_at + 30:
            line = response.fp.readline()
            if not line:
                break
            line = line.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event is None:
                data = json.loads(line[6:])
                received += 1
                journaled = datetime.strptime(data["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()
                lags.append(time.time() - journaled)
            elif line == "":
                if event == "end":
                    ended = True
                    break
                event = None
        connection.close()
    except Exception as error:  # counted as a follower that did not finish
        results[index] = {"error": str(error), "received": received, "lags": lags, "ended": ended}
        return
    results[index] = {"received": received, "lags": lags, "ended": ended}


def reader(host, port, run, schedule, lock, latencies, failures):
    connection = http.client.HTTPConnection(host, port, timeout=30)
    while True:
        with lock:
            if not schedule:
                break
            due = schedule.pop()
        wait = due - time.time()
        if wait > 0:
            time.sleep(wait)
        started = time.time()
        try:
            connection.request("GET", "/api/runs/%s" % run)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200 or b'"status"' not in body:
                failures.append(response.status)
                continue
            latencies.append(time.time() - started)
        except Exception:
            failures.append(0)
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.close()


def main(base, run, followers, rate, seconds):
    address = urlparse(base)
    host, port = address.hostname, address.port
    followers, rate, seconds = int(followers), int(rate), float(seconds)
    start = time.time()
    stop_at = start + seconds
    results = [None] * followers
    threads = [threading.Thread(target=follower, args=(host, port, run, stop_at, results, i)) for i in range(followers)]
    for thread in threads:
        thread.start()
    total = int(rate * seconds)
    schedule = [start + i / rate for i in range(total)][::-1]
    lock, latencies, failures = threading.Lock(), [], []
    readers = [threading.Thread(target=reader, args=(host, port, run, schedule, lock, latencies, failures)) for _ in range(16)]
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join()
    reads_done = time.time()
    for thread in threads:
        thread.join(timeout=max(1, stop_at + 60 - time.time()))
    lags = [lag for result in results if result for lag in result["lags"]]
    received = [result["received"] for result in results if result]
    ms = lambda value: round(value * 1000, 1)
    print(json.dumps({
        "status_reads": {
            "asked": total, "answered": len(latencies), "failed": len(failures),
            "achieved_per_s": round(len(latencies) / (reads_done - start), 1),
            "p50_ms": ms(percentile(latencies, 0.50)), "p99_ms": ms(percentile(latencies, 0.99)),
            "max_ms": ms(max(latencies) if latencies else float("nan")),
        },
        "followers": {
            "connected": sum(1 for result in results if result and "error" not in result),
            "ended": sum(1 for result in results if result and result["ended"]),
            "events_each_min": min(received) if received else 0, "events_each_max": max(received) if received else 0,
            "lag_p50_ms": ms(percentile(lags, 0.50)), "lag_p99_ms": ms(percentile(lags, 0.99)),
        },
    }, indent=2))


if __name__ == "__main__":
    main(*sys.argv[1:6])
