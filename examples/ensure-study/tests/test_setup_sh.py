"""setup.sh, run as is with the `cairn` command-line client, then the platform's client as the
ensure-study user it creates."""

import unittest

from . import HERE  # noqa: F401  (sets sys.path)
from testsupport.cairn import CairnServer

from .platform_setup import APP_SECRET, APP_USER, cairn_cli_available, run_setup_sh
from .scenario import PlatformScenario


class SetupShTest(PlatformScenario, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        ok, detail = cairn_cli_available()
        if not ok:
            raise AssertionError(f"`cairn alias --help` failed ({detail}): setup.sh needs the CLI")
        cls.server = CairnServer(user="minioadmin", password="minioadmin123").start()
        cls.addClassCleanup(cls.server.cleanup)
        p = run_setup_sh(cls.server)
        if p.returncode != 0:
            raise AssertionError(
                f"setup.sh failed ({p.returncode}):\n{p.stdout.decode(errors='replace')}"
                f"\n{p.stderr.decode(errors='replace')}"
            )
        cls.app_credentials = (APP_USER, APP_SECRET)

    def test_runs_again_on_the_same_server(self):
        """`docker compose up` runs cairn-setup at every start, on the data the last one left."""
        p = run_setup_sh(self.server)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("ensure-study-documents", p.stdout.decode() + p.stderr.decode())


if __name__ == "__main__":
    unittest.main()
