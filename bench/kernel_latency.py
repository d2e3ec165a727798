"""Latency of the bitspike notebook kernel, measured with Jupyter's own client (jupyter_client).

For each of --starts fresh kernels: the time from starting the kernel process to the result of a
first trivial cell. In the last kernel: --cells round trips of a trivial cell (execute_request to
execute_reply with its output received). Prints one JSON line per measurement and a summary line
with medians. Run by bench/kernel with Debian's /usr/bin/python3.
"""
import argparse
import json
import statistics
import time

from jupyter_client.manager import start_new_kernel


def run_cell(kc, code, timeout=60):
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    # the cell is done for a user when its output and idle status are in
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"):
            break
    if reply["content"]["status"] != "ok":
        raise RuntimeError("cell %r failed: %s" % (code, reply["content"]))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kernel", required=True)
    p.add_argument("--starts", type=int, default=5)
    p.add_argument("--cells", type=int, default=50)
    a = p.parse_args()
    starts, trips = [], []
    for i in range(a.starts):
        t0 = time.perf_counter()
        km, kc = start_new_kernel(kernel_name=a.kernel, startup_timeout=60)
        try:
            run_cell(kc, "1 + 1")
            starts.append(time.perf_counter() - t0)
            print(json.dumps({"kind": "start_to_first_result", "run": i, "seconds": round(starts[-1], 4)}))
            if i == a.starts - 1:
                for _ in range(5):  # warm the kernel's JIT and javac
                    run_cell(kc, "1 + 1")
                for j in range(a.cells):
                    t = time.perf_counter()
                    run_cell(kc, "1 + 1")
                    trips.append(time.perf_counter() - t)
                for q, t in enumerate(trips):
                    print(json.dumps({"kind": "trivial_cell_round_trip", "run": q, "ms": round(1000 * t, 2)}))
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    trips_sorted = sorted(trips)
    print(json.dumps({
        "kind": "summary", "kernel": a.kernel,
        "start_to_first_result_median_s": round(statistics.median(starts), 3),
        "start_to_first_result_max_s": round(max(starts), 3),
        "trivial_cell_median_ms": round(1000 * statistics.median(trips), 2),
        "trivial_cell_p90_ms": round(1000 * trips_sorted[int(0.9 * (len(trips) - 1))], 2),
        "goal": "start <= 2.5 s, trivial cell <= 80 ms median (issue 5)",
    }))


if __name__ == "__main__":
    main()
