"""gunicorn's settings, read from the working directory: its access log on standard output,
its error log and the app's lines on standard error, all in the app's one format
(``supervisor/logs.py``), each line with its request id and URL tokens masked."""

from gunicorn.config import Config
from gunicorn.glogging import Logger

from supervisor import logs


class SupervisorLogger(Logger):
    """gunicorn's logger writing through the app's formatter and filters: request ids, JSON
    lines when asked for, and invite, calendar and reset tokens masked."""

    def setup(self, cfg: Config) -> None:
        super().setup(cfg)
        logs.configure()
        for log in (self.access_log, self.error_log):
            for handler in log.handlers:
                logs.adopt(handler)


logger_class = SupervisorLogger
accesslog = "-"  # off in gunicorn unless named; "-" is standard output
access_log_format = logs.ACCESS_FORMAT

# Forwarded headers are believed by the app alone, as many hops as SUPERVISOR_TRUSTED_PROXIES
# says (supervisor/web/security.py). gunicorn would otherwise take X-Forwarded-Proto (and
# SCRIPT_NAME headers) itself from any peer in forwarded_allow_ips (127.0.0.1 by default),
# whatever the app's setting: the same request got https:// links from one address and
# http:// from another. Its secure-scheme headers are emptied too, for peers on a UNIX
# socket, which gunicorn trusts whatever forwarded_allow_ips lists.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
forwarder_headers = ""
