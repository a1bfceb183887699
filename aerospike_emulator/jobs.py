# Scan/query job tracking per node: the jobs a node has run (foreground and background),
# the refusal of a task id it has seen recently, and the info commands that show and abort
# jobs (query-show, query-abort, and the older scan-show and jobs:). scan.py registers a job
# for every request it starts; info.py loads this module for those commands.

import time

from .info import InfoError, register

# How many finished jobs a node remembers (the server's query-max-done default).
MAX_DONE = 100

# The records-per-second limit the server applies to background jobs that ask for none.
DEFAULT_BACKGROUND_RPS = 10000


class Job:
    """One scan/query job of a node, with the statistics query-show reports."""

    def __init__(self, req, client):
        self.trid = req.trid
        self.ns = req.ns.name
        self.set = req.set_name.decode("utf-8", "replace") if req.set_name else None
        self.sindex = None
        self.kind = req.kind
        self.rps = req.rps
        if not self.rps and self.kind in ("background-ops", "background-udf"):
            self.rps = DEFAULT_BACKGROUND_RPS
        self.socket_timeout = req.socket_timeout
        self.udf = req.udf
        self.client = client
        self.started = time.monotonic()
        self.finished = None
        self.status = "active(ok)"
        self.abort_code = 0
        self.succeeded = 0
        self.failed = 0
        self.filtered_meta = 0
        self.filtered_bins = 0
        self.net_io = 0

    @property
    def active(self):
        return self.finished is None

    def finish(self, status="done(ok)"):
        if self.finished is None:
            self.finished = time.monotonic()
            self.status = status

    def abort(self):
        self.abort_code = 15
        self.finish("done(user-aborted)")

    def show(self):
        """The job's query-show entry."""
        now = time.monotonic()
        end = self.finished if self.finished is not None else now
        items = [("trid", self.trid), ("ns", self.ns)]
        if self.set:
            items.append(("set", self.set))
        if self.sindex:
            items.append(("sindex-name", self.sindex))
        throttled = self.succeeded + self.failed if self.rps else 0
        items += [
            ("rps", self.rps),
            ("active-threads", 0 if self.finished is not None else 1),
            ("status", self.status),
            ("job-progress", "%.2f" % (100.0 if self.finished is not None else 0.0)),
            ("run-time", int((end - self.started) * 1000)),
            ("time-since-done", int((now - end) * 1000) if self.finished is not None else 0),
            ("recs-throttled", throttled),
            ("recs-filtered-meta", self.filtered_meta),
            ("recs-filtered-bins", self.filtered_bins),
            ("recs-succeeded", self.succeeded),
            ("recs-failed", self.failed),
            ("from", self.client),
            ("job-type", self.kind),
            ("net-io-bytes", self.net_io),
            ("socket-timeout", self.socket_timeout),
        ]
        if self.udf is not None:
            items += [
                ("udf-filename", self.udf[0].decode("utf-8", "replace")),
                ("udf-function", self.udf[1].decode("utf-8", "replace")),
                ("udf-active", 0),
            ]
        return ":".join("%s=%s" % kv for kv in items)


def node_jobs(node):
    """The job table of one node (trid -> Job, oldest first)."""
    return node.cluster.jobs.setdefault(node.index, {})


def start(node, req, client):
    """Registers a new job; returns None when the node has seen the task id recently."""
    jobs = node_jobs(node)
    if req.trid in jobs:
        return None
    job = Job(req, client)
    jobs[req.trid] = job
    done = [t for t, j in jobs.items() if not j.active]
    for t in done[: max(0, len(done) - MAX_DONE)]:
        del jobs[t]
    return job


def _job_id(params):
    for key in ("id", "trid"):
        value = params.get(key)
        if value is not None:
            try:
                return int(value)
            except ValueError:
                raise InfoError(4, "bad id") from None
    return None


@register("query-show", "scan-show")
def _show(node, name, args, params):
    jobs = node_jobs(node)
    trid = _job_id(params)
    if trid is None:
        return ";".join(j.show() for j in jobs.values())
    job = jobs.get(trid)
    if job is None:
        raise InfoError(2, "job not found")
    return job.show()


@register("query-abort", "scan-abort")
def _abort(node, name, args, params):
    trid = _job_id(params)
    if trid is None:
        raise InfoError(4, "missing id")
    job = node_jobs(node).get(trid)
    if job is None or not job.active:
        raise InfoError(2, "id not active")
    job.abort()
    return "ok"


@register("query-abort-all", "scan-abort-all")
def _abort_all(node, name, args, params):
    n = 0
    for job in node_jobs(node).values():
        if job.active:
            job.abort()
            n += 1
    return "OK - number of queries killed: %d" % n


@register("jobs")
def _jobs(node, name, args, params):
    cmd = params.get("cmd", "")
    if cmd == "get-all":
        return _show(node, name, args, {})
    if cmd == "get-job":
        return _show(node, name, args, params)
    if cmd == "kill-job":
        return _abort(node, name, args, params)
    raise InfoError(4, "unrecognized command")
