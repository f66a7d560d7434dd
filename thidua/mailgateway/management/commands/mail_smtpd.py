"""Run the local SMTP intake (aiosmtpd) until stopped: `python manage.py mail_smtpd`
(THIDUA_MAIL_SMTPD_HOST / _PORT, default 127.0.0.1:2525). Each message is stored under its hash
before the intake answers 250, then filed or sent to triage."""

import signal
from threading import Event

from django.core.management.base import BaseCommand

from thidua.mailgateway import smtpd


class Command(BaseCommand):
    help = "Receive e-mail for the gateway over SMTP (aiosmtpd) and file it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=None)
        parser.add_argument("--port", type=int, default=None)

    def handle(self, *args, host, port, **options):
        controller = smtpd.controller(host, port)
        stop = Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        controller.start()
        self.stdout.write(f"mail_smtpd: listening on {controller.hostname}:{controller.port}")
        try:
            stop.wait()
        finally:
            controller.stop()
