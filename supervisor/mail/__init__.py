"""Mail: messages written to an outbox in the transaction of the change that causes them,
and sent later by the worker over SMTP (or into a folder, in development)."""
