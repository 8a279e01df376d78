"""Guardian accounts: sign-up, sign-in, sign-out, password change and server-side sessions."""
