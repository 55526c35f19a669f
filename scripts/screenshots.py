"""Screenshots of chosen pages of the demo journal at phone and desktop sizes, light and
dark, for looking at (not a test): `uv run python scripts/screenshots.py OUT [PATH ...]`.

Makes a throw-away demo profile in a temp data folder, serves it on the loopback, unlocks
it in Debian's chromium and saves OUT/<name>-<width>-<scheme>.png for each page.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
DEFAULT = ["/", "/moment", "/results", "/moment/history", "/patterns", "/regulate", "/data"]


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "test-artifacts/screens")
    pages = sys.argv[2:] or DEFAULT
    out.mkdir(parents=True, exist_ok=True)
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "EARNED_DATA_DIR": data, "EARNED_KDF_PROFILE": "test"}
        os.environ.update(env)
        subprocess.run([sys.executable, "-m", "earned", "demo"], env=env, check=True)
        from playwright.sync_api import sync_playwright

        from earned import paths
        from earned.cli.profile import DEMO_PASSPHRASE, DEMO_PROFILE
        from tests.support.browser import ARGS, serve

        server_cm = serve(paths.profile(DEMO_PROFILE))
        server = next(server_cm)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                for scheme in ("light", "dark"):
                    for size, (w, h) in SIZES.items():
                        ctx = browser.new_context(
                            viewport={"width": w, "height": h}, color_scheme=scheme
                        )
                        page = ctx.new_page()
                        page.goto(f"{server.url}/unlock")
                        page.fill("#passphrase", DEMO_PASSPHRASE)
                        page.click("button[type=submit]")
                        page.wait_for_load_state()
                        for path in pages:
                            page.goto(server.url + path)
                            page.wait_for_load_state()
                            name = path.strip("/").replace("/", "-") or "home"
                            target = out / f"{name}-{size}-{scheme}.png"
                            full = os.environ.get("FULL") == "1"
                            page.screenshot(path=str(target), full_page=full)
                            overflow = page.evaluate(
                                "document.documentElement.scrollWidth - window.innerWidth"
                            )
                            flag = f"  OVERFLOW {overflow}px" if overflow > 0 else ""
                            print(f"{target}{flag}")
                        ctx.close()
                browser.close()
        finally:
            next(server_cm, None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
