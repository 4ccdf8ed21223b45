"""Ingest and verification benchmark for the originals store (issue 4). Run on demand:

    .venv/bin/python bench/bench_ingest.py                  # 2 GiB, 3 runs, all parts
    .venv/bin/python bench/bench_ingest.py --size 512M --rehash-total 1G --runs 1   # quick
    .venv/bin/python bench/bench_ingest.py --rehash-total 10G --only rehash         # full verify target

Anchors (timed in the same run, as the issue asks): `openssl dgst -sha256 FILE` and
`cp FILE X && sync`. Parts:
  sink    the IngestSink alone, fed from a file in the page cache (1 and N at once)
  server  records/upload_app.py under uvicorn (httptools, uvloop), `curl -T FILE -H 'Expect:'`
          (1 and N at once); wall time from curl's start to the server's JSON answer
  rehash  OriginalStore.rehash_many over the stored originals vs openssl over the same files,
          with the files in the page cache (warm) and evicted first (cold, posix_fadvise)
Peak RSS is VmHWM: of the child process for `sink`, of the server (reset through
/proc/PID/clear_refs before each run) for `server`. Files live in a temporary folder under
--dir (default var/ of the project, on the disk), removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

MiB = 1024 * 1024
GiB = 1024 * MiB
# An MP4 `ftyp` box first, so that the upload app's content check accepts the random body.
MP4_HEADER = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"


def parse_size(text: str) -> int:
    units = {"K": 1024, "M": MiB, "G": GiB}
    text = text.strip().upper().removesuffix("IB").removesuffix("B")
    return int(float(text[:-1]) * units[text[-1]]) if text[-1] in units else int(text)


def run(command: list[str], **options) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **options)
    return time.perf_counter() - start


def make_random_file(path: Path, size: int) -> None:
    with open(path, "wb") as file:
        file.write(MP4_HEADER)
        left = size - len(MP4_HEADER)
        while left > 0:
            block = os.urandom(min(16 * MiB, left))
            file.write(block)
            left -= len(block)


def warm(paths: list[Path]) -> None:
    for path in paths:
        with open(path, "rb", buffering=0) as file:
            while file.read(16 * MiB):
                pass


def evict(paths: list[Path]) -> None:
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fdatasync(fd) if os.access(path, os.W_OK) else None
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def anchors(files: list[Path], scratch: Path) -> dict[str, float]:
    dgst = run(["openssl", "dgst", "-sha256", *map(str, files)])
    scratch.mkdir(exist_ok=True)
    copy = run(["sh", "-c", 'cp "$@" && sync', "cp", *map(str, files), str(scratch)])
    shutil.rmtree(scratch)
    subprocess.run(["sync"], check=True)
    return {"openssl": dgst, "cp_sync": copy}


def vm_hwm_mb(pid: int | str = "self", field: str = "VmHWM") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """user + system CPU of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def clear_store(root: Path) -> None:
    """Between runs only: the store itself never deletes, the benchmark does."""
    for path in root.rglob("*"):
        if path.is_file():
            path.chmod(0o644)
            path.unlink()


def ratio_line(label: str, seconds: float, anchor: dict[str, float], extra: str = "") -> str:
    top = max(anchor.values())
    return (f"  {label:<34} {seconds:6.2f} s   x max(anchors) {seconds / top:5.2f}   "
            f"x openssl {seconds / anchor['openssl']:5.2f}   (openssl {anchor['openssl']:.2f} s, "
            f"cp+sync {anchor['cp_sync']:.2f} s){extra}  load {os.getloadavg()[0]:.1f}")


# --- sink alone (in a child process, for a clean peak RSS) --------------------------------
def child_sink(root: str, chunk: int, files: list[str]) -> None:
    from records.store import OriginalStore

    store = OriginalStore(root)
    results = []

    def ingest(path: str) -> None:
        with open(path, "rb", buffering=0) as source, store.ingest() as sink:
            while data := source.read(chunk):
                sink.write(data)
            results.append(sink.finish().sha256)

    start = time.perf_counter()
    threads = [threading.Thread(target=ingest, args=(path,)) for path in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    usage = os.times()
    print(json.dumps({"seconds": elapsed, "vmhwm_mb": vm_hwm_mb(), "sha256": results,
                      "cpu": usage.user + usage.system}))


def bench_sink(files: list[Path], work: Path, runs: int, chunk: int) -> None:
    root = work / "sink-store"
    label = f"sink, {len(files)} at once" if len(files) > 1 else "sink alone"
    ratios, rows = [], []
    for _ in range(runs):
        anchor = anchors(files, work / "scratch")
        completed = subprocess.run(
            [sys.executable, __file__, "_child-sink", str(root), str(chunk), *map(str, files)],
            check=True, capture_output=True, text=True)
        result = json.loads(completed.stdout)
        clear_store(root)
        subprocess.run(["sync"], check=True)
        ratios.append(result["seconds"] / max(anchor.values()))
        rows.append(ratio_line(label, result["seconds"], anchor, f"  CPU {result['cpu']:.2f} s, peak RSS {result['vmhwm_mb']:.0f} MB"))
    print("\n".join(rows))
    print(f"  -> {label}: median x max(anchors) {statistics.median(ratios):.2f}")


# --- through the upload app under uvicorn -------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(root: Path, port: int, http: str) -> subprocess.Popen:
    code = ("import sys, uvicorn; from records.store import OriginalStore; "
            "from records.upload_app import make_upload_app; "
            "uvicorn.run(make_upload_app(OriginalStore(sys.argv[1])), host='127.0.0.1', port=int(sys.argv[2]), "
            "loop='uvloop', http=sys.argv[3], log_level='warning', access_log=False)")
    server = subprocess.Popen([sys.executable, "-c", code, str(root), str(port), http], cwd=PROJECT)
    return _wait_for(server, port)


def _wait_for(server: subprocess.Popen, port: int) -> subprocess.Popen:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("uvicorn did not start")


def curl_upload(path: Path, port: int, headers: dict[str, str] | None = None,
                url_path: str = "/upload/") -> dict:
    extra = [item for name, value in (headers or {}).items() for item in ("-H", f"{name}: {value}")]
    completed = subprocess.run(
        ["curl", "-sS", "-T", str(path), "-H", "Expect:", "-H", f"X-File-Name: {path.name}.mp4",
         *extra, f"http://127.0.0.1:{port}{url_path}"], check=True, capture_output=True)
    return json.loads(completed.stdout)


# --- the production entry: portal/asgi.py (token check, store, record) --------------------------
PRODUCTION_SEED = """
import itertools
from datetime import date
from access.models import StaffProfile, Unit
from access.roles import role_groups_ensure
from access.two_factor.api_tokens import api_token_create
from django.contrib.auth import get_user_model
from records.casefile import Case
User = get_user_model()
unit, _ = Unit.objects.get_or_create(code="bench", defaults={"name": "基准测试单位"})
officer = User.objects.create_user(username="bench-officer", password=None)
officer.groups.add(role_groups_ensure()["officer"])
StaffProfile.objects.create(user=officer, full_name="基准执法人员", unit=unit, certificate_number="BENCH-0001")
station = User.objects.create_user(username="bench-station", password=None)
StaffProfile.objects.create(user=station, full_name="基准采集工作站", unit=unit)
_, key = api_token_create(actor=None, user=station, kind="device", name="基准采集工作站")
ids = [Case.objects.create(number=f"基准〔2026〕{n}号", number_year=2026, number_seq=n, kind="penalty",
                           title="基准", start_mode="initiative", source="inspection",
                           handling_unit=unit, mark="internal", opened_on=date(2026, 3, 2),
                           opened_by=officer).pk for n in range(1, 41)]
print("SEEDED", key, *ids)
"""


def production_environment(work: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}"),
            "DJANGO_DEBUG": "1", "SECRET_KEY": "bench-only-secret-key", "PORTAL_DEMO": "0",
            "MEDIA_ROOT": str(work / "media"), "ORIGINALS_ROOT": str(work / "production-store")}


def production_setup(work: Path) -> tuple[dict[str, str], str, list[str]]:
    """A scratch database (SQLite under the work folder, or BENCH_DATABASE_URL) with a unit, an
    officer, cases and a docking station's device token."""
    env = production_environment(work)
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], env=env, cwd=PROJECT, check=True)
    out = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", PRODUCTION_SEED], env=env,
                         cwd=PROJECT, check=True, capture_output=True, text=True).stdout
    seeded = next(line.split()[1:] for line in out.splitlines() if line.startswith("SEEDED "))
    return env, seeded[0], seeded[1:]


def start_production_server(env: dict[str, str], port: int, http: str) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "portal.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--loop", "uvloop", "--http", http, "--lifespan", "on", "--log-level", "warning", "--no-access-log"],
        cwd=PROJECT, env=env)
    return _wait_for(server, port)


def bench_server(files: list[Path], work: Path, runs: int, http: str, expected: dict[Path, str],
                 production: tuple | None = None) -> None:
    """`production`: (env, device key, case ids) to go through portal/asgi.py as the compose
    file runs it; otherwise the bare upload app."""
    port = free_port()
    if production:
        env, key, case_ids = production
        root = Path(env["ORIGINALS_ROOT"])
        server = start_production_server(env, port, http)
        label = f"portal.asgi/{http}" + (f", {len(files)} at once" if len(files) > 1 else " upload")
    else:
        root = work / "server-store"
        server = start_server(root, port, http)
        label = f"uvicorn/{http}, {len(files)} at once" if len(files) > 1 else f"uvicorn/{http} upload"
    ratios, rows = [], []
    cases = iter(case_ids) if production else None
    try:
        for _ in range(runs):
            upload = curl_upload
            if production:
                def upload(path, port, case=next(cases)):
                    return curl_upload(path, port, {
                        "Authorization": f"Token {key}", "X-Case-Id": case, "X-Stage": "investigation",
                        "X-Recorded-Start": "2026-03-02T09:00:00+08:00",
                        "X-Recorded-End": "2026-03-02T09:05:00+08:00", "X-Place": "bench",
                        "X-Officer-Certificate": "BENCH-0001", "X-Content-SHA256": expected[path]},
                        "/api/v1/uploads/")
            anchor = anchors(files, work / "scratch")
            Path(f"/proc/{server.pid}/clear_refs").write_text("5")
            idle = vm_hwm_mb(server.pid, "VmRSS")
            answers: list[dict] = []
            cpu_before = cpu_seconds(server.pid)
            start = time.perf_counter()
            threads = [threading.Thread(target=lambda p=path: answers.append(upload(p, port))) for path in files]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - start
            peak = vm_hwm_mb(server.pid)
            cpu = cpu_seconds(server.pid) - cpu_before
            got = sorted(answer.get("sha256", json.dumps(answer, ensure_ascii=False)) for answer in answers)
            if got != sorted(expected[path] for path in files):
                raise RuntimeError(f"upload answers do not match openssl: {got}")
            clear_store(root)
            subprocess.run(["sync"], check=True)
            ratios.append(elapsed / max(anchor.values()))
            rows.append(ratio_line(label, elapsed, anchor, f"  server CPU {cpu:.2f} s, peak RSS {peak:.0f} MB (before {idle:.0f})"))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print("\n".join(rows))
    print(f"  -> {label}: median x max(anchors) {statistics.median(ratios):.2f}")


# --- verification --------------------------------------------------------------------------
def fill_store(root: Path, total: int, file_size: int) -> list[Path]:
    from records.store import OriginalStore

    store = OriginalStore(root)
    paths = []
    left = total
    while left > 0:
        size = min(file_size, left)
        with store.ingest() as sink:
            written = 0
            while written < size:
                block = os.urandom(min(16 * MiB, size - written))
                sink.write(block)
                written += len(block)
            paths.append(sink.finish().path)
        left -= size
    subprocess.run(["sync"], check=True)
    return paths


def bench_rehash(work: Path, total: int, file_size: int, runs: int) -> None:
    from records.store import OriginalStore

    root = work / "verify-store"
    paths = fill_store(root, total, file_size)
    store = OriginalStore(root)
    hashes = list(store.iter_hashes())
    print(f"  {len(paths)} originals, {total / GiB:.1f} GiB")
    for cache in ("warm", "cold"):
        mine, theirs, single = [], [], []
        for _ in range(runs):
            if cache == "warm":
                warm(paths)
            else:
                evict(paths)
            theirs.append(run(["openssl", "dgst", "-sha256", *map(str, paths)]))
            if cache == "cold":
                evict(paths)
            start = time.perf_counter()
            bad = [sha for sha, actual in store.rehash_many(hashes) if actual != sha]
            mine.append(time.perf_counter() - start)
            if bad:
                raise RuntimeError(f"rehash disagrees: {bad}")
            if cache == "cold":
                evict(paths)
            start = time.perf_counter()
            for sha in hashes:
                store.rehash(sha)
            single.append(time.perf_counter() - start)
        o, m, s = statistics.median(theirs), statistics.median(mine), statistics.median(single)
        print(f"  rehash {cache:<5} openssl {o:6.2f} s   rehash_many ({os.cpu_count()} threads) {m:6.2f} s "
              f"= x{m / o:4.2f}   one thread {s:6.2f} s = x{s / o:4.2f}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_child-sink":
        child_sink(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="2G", help="size of the uploaded file (default 2G)")
    parser.add_argument("--concurrent", type=int, default=3, help="uploads at once (default 3; 0 skips)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is reported")
    parser.add_argument("--chunk", default="256K", help="chunk size fed to the sink (default 256K)")
    parser.add_argument("--rehash-total", default="2G", help="originals to verify (default 2G; target 10G)")
    parser.add_argument("--rehash-file-size", default="512M", help="size of each original for rehash")
    parser.add_argument("--http", default="httptools", choices=["httptools", "h11"], help="uvicorn HTTP parser")
    parser.add_argument("--only", default="sink,server,production,rehash", help="comma-separated parts to run")
    parser.add_argument("--dir", default=str(PROJECT / "var"), help="where the temporary files go (on the disk)")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    size = parse_size(args.size)

    Path(args.dir).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-", dir=args.dir))
    print(f"bench_ingest: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, "
          f"folder {work}, python {sys.version.split()[0]}")
    try:
        files = []
        if parts & {"sink", "server", "production"}:
            count = max(1, args.concurrent)
            for number in range(count):
                path = work / f"upload-{number}.bin"
                make_random_file(path, size)
                files.append(path)
            subprocess.run(["sync"], check=True)
            warm(files)
            digests = subprocess.run(["openssl", "dgst", "-sha256", "-r", *map(str, files)],
                                     check=True, capture_output=True, text=True).stdout.split("\n")
            expected = {Path(line.split(" *", 1)[1]): line.split(" ", 1)[0] for line in digests if line}
        if files:
            print(f"ingest of {size / GiB:.2f} GiB (1, then {args.concurrent} at once), {args.runs} runs")
        if "sink" in parts:
            bench_sink(files[:1], work, args.runs, parse_size(args.chunk))
            if args.concurrent > 1:
                bench_sink(files, work, args.runs, parse_size(args.chunk))
        if "server" in parts:
            bench_server(files[:1], work, args.runs, args.http, expected)
            if args.concurrent > 1:
                bench_server(files, work, args.runs, args.http, expected)
        if "production" in parts:
            env, key, case_ids = production_setup(work)  # a new case per run: each upload registers
            bench_server(files[:1], work, args.runs, args.http, expected, (env, key, case_ids[:20]))
            if args.concurrent > 1:
                bench_server(files, work, args.runs, args.http, expected, (env, key, case_ids[20:]))
        if "rehash" in parts:
            print(f"verify_media over {parse_size(args.rehash_total) / GiB:.1f} GiB of originals, {args.runs} runs")
            bench_rehash(work, parse_size(args.rehash_total), parse_size(args.rehash_file_size), args.runs)
    finally:
        for path in work.rglob("*"):
            if path.is_file():
                path.chmod(0o644)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
