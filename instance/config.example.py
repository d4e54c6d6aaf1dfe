# Copy to instance/config.py (`make run` does it and fills in fresh random keys).
# Every setting can also come from the environment as DONGQIAN_<NAME>.

SECRET_KEY = "change-me"
# base64 of 32 random bytes: python -c "import os,base64;print(base64.b64encode(os.urandom(32)).decode())"
PII_KEY = "change-me"

# Default: SQLite in this folder. PostgreSQL:
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://user:pass@127.0.0.1/dongqian"

# Session cookies are Secure by default (HTTPS only). `make run` serves plain http on
# 127.0.0.1 and turns this off for itself; see docs/security.md for every security setting.
# SESSION_COOKIE_SECURE = False
