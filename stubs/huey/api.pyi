from typing import Any

class Result:
    def get(self, blocking: bool = ..., timeout: float | None = ...) -> Any: ...
