"""gunicorn's settings, read from the working directory: request logs mask URL tokens."""

from gunicorn.config import Config
from gunicorn.glogging import Logger

from supervisor.web.request_log import MASK_TOKENS


class TokenMaskingLogger(Logger):
    """gunicorn's logger with invite and calendar tokens masked in the access and error logs."""

    def setup(self, cfg: Config) -> None:
        super().setup(cfg)
        self.access_log.addFilter(MASK_TOKENS)
        self.error_log.addFilter(MASK_TOKENS)


logger_class = TokenMaskingLogger

# Forwarded headers are believed by the app alone, as many hops as SUPERVISOR_TRUSTED_PROXIES
# says (supervisor/web/security.py). gunicorn would otherwise take X-Forwarded-Proto (and
# SCRIPT_NAME headers) itself from any peer in forwarded_allow_ips (127.0.0.1 by default),
# whatever the app's setting: the same request got https:// links from one address and
# http:// from another. Its secure-scheme headers are emptied too, for peers on a UNIX
# socket, which gunicorn trusts whatever forwarded_allow_ips lists.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
forwarder_headers = ""
