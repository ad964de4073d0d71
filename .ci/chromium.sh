# Sourced by .ci/run (after .ci/postgres.sh, whose as_root it uses): the dashboard's browser tests
# drive Debian's Chromium through playwright-core (playwright's own browser download fails here).
# Installed from Debian's packages when missing; then required, so those tests cannot skip in CI.

CHROMIUM_PATH=/usr/bin/chromium

ensure_test_chromium() {
  if [ ! -x "$CHROMIUM_PATH" ]; then
    echo "ci: installing Chromium from Debian's packages"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  "$CHROMIUM_PATH" --version 2>/dev/null
  export HOOKLINE_REQUIRE_CHROMIUM=1
}
