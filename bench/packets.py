"""Packet benchmark: `python -m bench packets`.

Builds a 40-item packet (staff reports with tables, about 200 pages of attached
PDFs, about 300 pages in all) and compares, in the same run:

- Dais end to end: enqueue -> the real worker process (`python -m app.packets.worker`)
  -> status READY in the database, against the raw cost of the same work:
  WeasyPrint rendering the very same HTML documents and pypdf merging the same
  attachments, with no queue, database, cache, outline, labels or stamps.
- A rebuild after one item's staff report changes, against the full build.
- Build time for packets of about 10, 100, 300 and 1000 pages.
- The worker's peak memory (VmHWM).

Everything lives in a temporary directory (SQLite database, Huey queue, uploads,
builds); nothing outside it is touched. The live-queue latency comparison needs
a running web server with 500 Socket.IO clients and is not part of this module.
"""
import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_FULL_RATIO = 1.2
TARGET_REBUILD_RATIO = 0.25
# Attachment pages per item, repeated over the items: 50 pages per 10 items.
ATTACHMENT_PATTERN = (0, 3, 6, 2, 10, 4, 0, 5, 8, 12)
SCALES = ((10, 2, 4), (100, 12, 60), (300, 40, 200), (1000, 80, 780))  # (label, items, attachment pages)
LOREM = ("The City has reviewed the proposal against the General Plan, the Municipal Code and the "
         "adopted budget. Staff met with residents, business owners and neighbouring agencies, and the "
         "comments received are summarised in the attachments. ")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench packets", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each timed step (the best is kept)")
    parser.add_argument("--no-scaling", action="store_true", help="skip the 10/100/300/1000-page series")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="dais-bench-packets-"))
    _configure_environment(workdir)
    try:
        return Bench(workdir, repeat=max(1, args.repeat)).run(scaling=not args.no_scaling)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def _configure_environment(workdir):
    """Before `config` is imported: the worker subprocess and this process share these settings."""
    os.environ.update({
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "DAIS_INSTANCE_DIR": str(workdir / "instance"),
        "UPLOAD_DIR": str(workdir / "uploads"),
        "REDIS_URL": "",
        "SOCKETIO_ASYNC_MODE": "threading",
        "SECRET_KEY": "bench-only-secret-key",
    })


class Bench:
    def __init__(self, workdir, repeat):
        from app import create_app
        from app.extensions import db
        from app.packets import models  # noqa: F401 - until create_app imports it, create_all must see it

        self.workdir, self.repeat = workdir, repeat
        self.app = create_app(SOCKETIO_ASYNC_MODE="threading", PACKET_QUEUE="huey")
        self.ctx = self.app.app_context()
        self.ctx.push()
        db.create_all()
        self.now = datetime.now(timezone.utc).replace(microsecond=0)
        self.rows = []

    # ------------------------------------------------------------------ the run

    def run(self, scaling=True):
        from app.packets import render

        print("Preparing the 40-item meeting (rendering attachment PDFs)...", flush=True)
        render._weasy()
        self.exhibit = self._exhibit_source()
        meeting_id = self._meeting("bench-council", items=40, attachment_pages=None)
        warm_up_id = self._meeting("warm-up", items=3, attachment_pages=6)

        html_docs, attachments = self._capture_documents(meeting_id)

        worker = Worker(self.workdir)
        try:
            # A long-running worker has rendered before; so has this process (above), for the baseline.
            self._enqueue_and_wait(warm_up_id, worker)
            # Interleaved, so a burst of load from elsewhere on the machine hits both sides alike.
            raw_runs, full_runs = [], []
            for _ in range(self.repeat):
                raw_runs.append(self._raw_build(html_docs, attachments))
                full_runs.append(self._timed_full_build(meeting_id, worker))
            build = self._latest_build(meeting_id)
            rebuild_runs = [self._timed_rebuild(meeting_id, worker, n) for n in range(self.repeat)]
            rebuilt = self._latest_build(meeting_id)
            peak = worker.peak_memory_mb()
        finally:
            worker.stop()

        (raw, raw_cpu), (full, full_cpu) = _best(raw_runs), _best(full_runs)
        rebuild, rebuild_cpu = _best(rebuild_runs)
        print()
        print(f"Packet: 40 items, {build.packet_pages} pages ({build.agenda_pages}-page agenda, "
              f"{sum(attachments_pages for _p, attachments_pages in attachments)} attached pages); "
              f"best of {self.repeat} run(s) each. Wall = elapsed time; CPU = processor time of the "
              "process doing the work (steadier on a shared machine).")
        rebuild_label = (f"rebuild after one staff report changes ({rebuilt.pieces_rendered} of "
                         f"{rebuilt.pieces_rendered + rebuilt.pieces_reused} pieces rendered) vs full build")
        table = [
            ("measure", "", "Dais", "baseline", "ratio", "target", ""),
            ("full build (enqueue -> ready) vs raw WeasyPrint + merge", "wall", f"{full:.2f} s",
             f"{raw:.2f} s", f"{full / raw:.2f}", f"<= {TARGET_FULL_RATIO}", _verdict(full / raw, TARGET_FULL_RATIO)),
            ("", "CPU", f"{full_cpu:.2f} s", f"{raw_cpu:.2f} s", f"{full_cpu / raw_cpu:.2f}",
             f"<= {TARGET_FULL_RATIO}", _verdict(full_cpu / raw_cpu, TARGET_FULL_RATIO)),
            (rebuild_label, "wall", f"{rebuild:.2f} s", f"{full:.2f} s", f"{rebuild / full:.2f}",
             f"<= {TARGET_REBUILD_RATIO}", _verdict(rebuild / full, TARGET_REBUILD_RATIO)),
            ("", "CPU", f"{rebuild_cpu:.2f} s", f"{full_cpu:.2f} s", f"{rebuild_cpu / full_cpu:.2f}",
             f"<= {TARGET_REBUILD_RATIO}", _verdict(rebuild_cpu / full_cpu, TARGET_REBUILD_RATIO)),
            ("worker peak memory (VmHWM)", "", f"{peak:.0f} MB", "", "", "", ""),
        ]
        _print_table(table)

        if scaling:
            print()
            print("Scaling: a cold build (empty piece cache) in one process")
            rows = [("target pages", "items", "pages", "seconds", "ms per page")]
            for label, items, attachment_pages in SCALES:
                seconds, pages = self._scaled_build(label, items, attachment_pages)
                rows.append((str(label), str(items), str(pages), f"{seconds:.2f}", f"{1000 * seconds / pages:.1f}"))
            _print_table(rows)
        return 0

    # ------------------------------------------------------------------ data

    def _exhibit_source(self):
        """One 24-page exhibit with headings (so it has bookmarks); attachments are slices of it."""
        from pypdf import PdfReader

        from app.packets.render import render_pdf

        parts = "".join(
            f"<h1>Exhibit part {n}</h1><h2>Findings</h2><p>{LOREM * 5}</p>"
            f"<table><tr><th>Parcel</th><th>Zoning</th><th>Area</th></tr>"
            + "".join(f"<tr><td>APN {n:03d}-{row:02d}</td><td>R-{row % 4 + 1}</td><td>{row * 1375} sq ft</td></tr>"
                      for row in range(8))
            + f"</table><h2>Conditions</h2><p>{LOREM * 3}</p>"
            for n in range(1, 25))
        html = f"<html lang='en'><head><title>Exhibit</title></head><body>{parts}</body></html>"
        css = "h1 { break-before: page; bookmark-level: 1 } h2 { bookmark-level: 2 }"
        html = html.replace("</head>", f"<style>{css}</style></head>")
        return PdfReader(io.BytesIO(render_pdf(html)))

    def _attachment(self, pages, label, offset):
        from pypdf import PdfWriter

        writer = PdfWriter()
        source = self.exhibit.pages
        for n in range(pages):
            writer.add_page(source[(offset + n) % len(source)])
        for n in range(0, pages, 3):
            parent = writer.add_outline_item(title=f"Part {n // 3 + 1}", page_number=n)
            writer.add_outline_item(title="Findings", page_number=n, parent=parent)
        writer.add_metadata({"/Title": label})
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    def _report_html(self, n, variant=""):
        rows = "".join(f"<tr><td>{year}</td><td>${(n + 3) * year % 9000 + 1000:,}</td>"
                       f"<td>${(n + 5) * year % 7000 + 500:,}</td><td>Fund {year % 5 + 1}</td></tr>"
                       for year in range(2020, 2032))
        return (f"<p>{variant}{LOREM * 3}</p><h3>Background</h3><p>{LOREM * 4}</p>"
                f"<table><caption>Costs by year</caption><thead><tr><th scope='col'>Year</th>"
                f"<th scope='col'>Capital</th><th scope='col'>Operating</th><th scope='col'>Source</th></tr>"
                f"</thead><tbody>{rows}</tbody></table><h3>Analysis</h3><p>{LOREM * 3}</p>"
                f"<ul><li>Option A: approve as proposed.</li><li>Option B: approve with changes.</li>"
                f"<li>Option C: deny.</li></ul><p>{LOREM * 2}</p>")

    def _meeting(self, slug, *, items, attachment_pages):
        """A published meeting; attachment pages follow ATTACHMENT_PATTERN or spread `attachment_pages`."""
        from app.core.db import transaction
        from app.meetings import services
        from app.meetings.attachments import add_attachment
        from app.meetings.models import SectionKind
        from app.meetings.publishing import publish_agenda

        config = self.app.config
        with transaction():
            body = services.create_body(slug=slug, name="City Council of Los Robles", timezone="America/Los_Angeles",
                                        rule_pack="generic", actor="bench", now=self.now)
            meeting = services.create_meeting(body, kind="regular", title="Regular Meeting",
                                              start_at=self.now + timedelta(days=20), location="Council Chambers",
                                              actor="bench", now=self.now)
            sections = {s.kind: s for s in meeting.sections}
            order = [sections.get(SectionKind.CONSENT), sections.get(SectionKind.PUBLIC_HEARING),
                     sections.get(SectionKind.BUSINESS)]
            order = [s for s in order if s is not None] or list(meeting.sections)
            for n in range(items):
                section = order[0] if n < items * 0.3 else order[min(len(order) - 1, 1 if n < items * 0.4 else 2)]
                item = services.add_item(meeting, section_id=section.id, title=f"Item {n + 1}: project {n + 1}",
                                         body_html=self._report_html(n), recommended_action="Adopt the resolution.",
                                         department="Public Works", fiscal_impact=f"${(n + 1) * 12500:,}.",
                                         actor="bench", now=self.now)
                if attachment_pages is None:
                    count = ATTACHMENT_PATTERN[n % len(ATTACHMENT_PATTERN)]
                else:
                    count = attachment_pages // items + (1 if n < attachment_pages % items else 0)
                if count:
                    add_attachment(item, filename=f"exhibit-{slug}-{n}.pdf", title=f"Exhibit {n + 1}",
                                   data=self._attachment(count, f"{slug} exhibit {n}", n),
                                   upload_dir=config["UPLOAD_DIR"], max_bytes=config["MAX_ATTACHMENT_BYTES"],
                                   actor="bench", now=self.now)
            publish_agenda(meeting, actor="bench", now=self.now)
            meeting_id = meeting.id
        return meeting_id

    # ------------------------------------------------------------------ the baseline

    def _capture_documents(self, meeting_id):
        """The exact HTML documents Dais renders for this packet, and its attachment files in order."""
        from app.meetings.attachments import attachment_path
        from app.meetings.models import Meeting
        from app.extensions import db
        from app.packets import render
        from app.packets.builder import PacketBuilder, PieceCache

        captured = []

        def capture(html, tagged=False):
            captured.append((html, tagged))
            return render.render_pdf(html, tagged=tagged)

        content = db.session.get(Meeting, meeting_id).current_version.content
        PacketBuilder(content, upload_dir=self.app.config["UPLOAD_DIR"], cache=PieceCache(self.workdir / "capture"),
                      render_pdf=capture).build(self.workdir / "capture-out")
        contents = [doc for doc in captured if 'class="contents"' in doc[0]][-1]
        agenda = captured[0]
        reports = [doc for doc in captured[1:] if 'class="report"' in doc[0]]
        ordered, attachments, reports_left = [agenda, contents], [], iter(reports)
        for section in content["sections"]:
            for item in section["items"]:
                ordered.append(next(reports_left))
                for attachment in item["attachments"]:
                    path = attachment_path(self.app.config["UPLOAD_DIR"], attachment["sha256"])
                    ordered.append(path)
                    attachments.append((path, attachment["page_count"]))
        return ordered, attachments

    def _raw_build(self, documents, _attachments):
        """WeasyPrint straight from HTML, pypdf straight merge: the work Dais cannot avoid."""
        from pypdf import PdfReader, PdfWriter

        from app.packets import render

        HTML, CSS, fonts = render._weasy()
        stylesheet = CSS(string=render.stylesheet_path().read_text(), font_config=fonts)
        started, started_cpu = time.perf_counter(), time.process_time()
        writer = PdfWriter()
        for document in documents:
            if isinstance(document, Path):
                writer.append(PdfReader(document))
                continue
            html, tagged = document
            options = {"pdf_variant": "pdf/ua-1"} if tagged else {}
            pdf = HTML(string=html).write_pdf(stylesheets=[stylesheet], font_config=fonts, **options)
            writer.append(PdfReader(io.BytesIO(pdf)))
        buffer = io.BytesIO()
        writer.write(buffer)
        return time.perf_counter() - started, time.process_time() - started_cpu

    # ------------------------------------------------------------------ Dais

    def _latest_build(self, meeting_id):
        import sqlalchemy as sa

        from app.extensions import db
        from app.packets.models import PacketBuild

        db.session.expire_all()
        return db.session.scalars(sa.select(PacketBuild).where(PacketBuild.meeting_id == meeting_id)
                                  .order_by(PacketBuild.id.desc()).limit(1)).first()

    def _wait_for_build(self, meeting_id, after_id, timeout=900):
        from app.packets.models import BuildStatus

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            build = self._latest_build(meeting_id)
            if build is not None and build.id > after_id and build.status != BuildStatus.BUILDING:
                if build.status != BuildStatus.READY:
                    raise SystemExit(f"The benchmark build failed: {build.reason}")
                return build
            time.sleep(0.02)
        raise SystemExit("The worker did not finish the build in time.")

    def _enqueue_and_wait(self, meeting_id, worker):
        """(wall seconds from enqueue to READY, CPU seconds the worker spent meanwhile)."""
        from app.packets.tasks import enqueue_packet_build

        previous = self._latest_build(meeting_id)
        after_id = previous.id if previous is not None else 0
        started, started_cpu = time.perf_counter(), worker.cpu_seconds()
        enqueue_packet_build(meeting_id)
        self._wait_for_build(meeting_id, after_id)
        return time.perf_counter() - started, worker.cpu_seconds() - started_cpu

    def _timed_full_build(self, meeting_id, worker):
        """A cold build: no cached piece, no earlier build of this agenda."""
        from app.core.db import transaction
        from app.extensions import db
        from app.packets import services
        from app.packets.models import PacketBuild

        with transaction():
            db.session.query(PacketBuild).filter(PacketBuild.meeting_id == meeting_id).delete()
        shutil.rmtree(services.packets_dir(), ignore_errors=True)
        return self._enqueue_and_wait(meeting_id, worker)

    def _timed_rebuild(self, meeting_id, worker, n):
        from app.core.db import transaction
        from app.extensions import db
        from app.meetings.models import Meeting
        from app.meetings.publishing import publish_agenda
        from app.meetings.services import update_item

        now = self.now + timedelta(minutes=n + 1)
        with transaction():
            meeting = db.session.get(Meeting, meeting_id)
            item = meeting.items[10]
            update_item(item, {"body_html": self._report_html(10, variant=f"Revised ({n + 1}). ")},
                        actor="bench", now=now)
            publish_agenda(meeting, actor="bench", now=now)
        return self._enqueue_and_wait(meeting_id, worker)

    def _scaled_build(self, label, items, attachment_pages):
        from app.packets.tasks import build_packet

        meeting_id = self._meeting(f"scale-{label}", items=items, attachment_pages=attachment_pages)
        self.app.config["PACKET_CACHE_DIR"] = self.workdir / f"pieces-{label}"
        started = time.perf_counter()
        build = build_packet(meeting_id)
        seconds = time.perf_counter() - started
        if build is None or str(build.status) != "ready":
            raise SystemExit(f"The {label}-page build failed: {build.reason if build else 'not built'}")
        return seconds, build.packet_pages


class Worker:
    """`python -m app.packets.worker` as a subprocess sharing the benchmark's environment."""

    def __init__(self, workdir):
        self.log_path = workdir / "worker.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen([sys.executable, "-m", "app.packets.worker", "--max-delay", "0.05"],
                                        cwd=ROOT, env=os.environ.copy(), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while "consumer started" not in self.log_path.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("The worker did not start:\n" + self.log_path.read_text())
            time.sleep(0.05)

    def cpu_seconds(self):
        """User + system time of the worker so far (fields 14 and 15 of /proc/<pid>/stat)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_memory_mb(self):
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def _best(runs):
    """The fastest run by wall time, and the least CPU time over all runs."""
    return min(wall for wall, _cpu in runs), min(cpu for _wall, cpu in runs)


def _verdict(ratio, target):
    return "ok" if ratio <= target else "MISSED"


def _print_table(rows):
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(width) if i == 0 else cell.rjust(width)
                        for i, (cell, width) in enumerate(zip(row, widths))).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))


if __name__ == "__main__":
    sys.exit(main())
