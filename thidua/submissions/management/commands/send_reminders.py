"""The former name of `run_jobs`, kept so that existing crontabs keep working."""

from thidua.core.management.commands.run_jobs import Command as RunJobs


class Command(RunJobs):
    help = "Same as run_jobs (kept for existing crontabs)."
