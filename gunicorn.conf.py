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
