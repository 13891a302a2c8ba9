"""HTML to PDF (WeasyPrint) within a time limit.

Rendering runs in a child process that is killed when it takes longer than
settings.PDF_TIMEOUT_SECONDS, so that one request can never hold a web worker
(gunicorn's own timeout would kill the whole worker and answer 500). The children
come from a fork server that has WeasyPrint loaded already: a clean process (no
threads, no database connections inherited), and a fork costs milliseconds.

This module imports nothing of Django at import time: the fork server loads it.
"""

import multiprocessing
from multiprocessing.connection import Connection


class PdfTimeout(Exception):
    """The PDF was not ready within the time limit; the renderer was stopped."""


class PdfError(Exception):
    """The renderer failed (its message is technical, not for users)."""


def _render(html: str, conn: Connection) -> None:
    try:
        from weasyprint import HTML

        conn.send_bytes(HTML(string=html).write_pdf())
    except Exception as exc:  # sent back to the parent, which raises PdfError
        conn.send(exc.__class__.__name__)
    finally:
        conn.close()


_context = None


def _mp_context():
    global _context  # noqa: PLW0603 - one fork server per process, started on first use
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(["bi18.lib.pdf", "weasyprint"])
    return _context


def html_to_pdf(html: str, *, timeout: float | None = None) -> bytes:
    """The PDF of `html`. Raises PdfTimeout after `timeout` seconds (default
    settings.PDF_TIMEOUT_SECONDS), PdfError if the renderer fails."""
    if timeout is None:
        from django.conf import settings

        timeout = settings.PDF_TIMEOUT_SECONDS
    ctx = _mp_context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_render, args=(html, sender), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise PdfTimeout
        try:
            message = receiver.recv_bytes()
        except EOFError:
            raise PdfError("the renderer exited without an answer") from None
        if not message.startswith(b"%PDF"):
            raise PdfError("the renderer failed")
        return message
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(timeout=5)


def pdf_failed_response(request, exc: Exception, *, back_url: str, print_url: str = ""):
    """The page a user gets instead of a PDF that failed or took too long: a Danish
    "try again" (HTTP 503, Retry-After), never a 500."""
    import logging

    from django.shortcuts import render

    logging.getLogger(__name__).warning("PDF for %s failed: %r", request.path, exc)
    response = render(
        request,
        "pdf_failed.html",
        {
            "timed_out": isinstance(exc, PdfTimeout),
            "back_url": back_url,
            "print_url": print_url,
        },
        status=503,
    )
    response["Retry-After"] = "60"
    return response
