"""What echo_check.py and raw_probes.py share: a command line of a URL and one time limit,
and a report of one line per check ("ok   NAME  detail" / "FAIL NAME  detail") ending in a
summary line and the exit status (0 only if every check passed)."""
import argparse


def parse_args(doc, option, default, help):
    """The URL and the float `option` (e.g. "--timeout"); usage errors exit 2."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("url")
    ap.add_argument(option, type=float, default=default, help=help)
    return ap.parse_args()


class Report:
    def __init__(self, banner, name_width):
        self.name_width = name_width
        self.failed = 0
        print(banner, flush=True)

    def line(self, ok, name, detail, tail):
        """One check's line; `tail` follows the detail (a note, a duration)."""
        self.failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name:<{self.name_width}} {detail} {tail}", flush=True)

    def status(self):
        """Prints the summary line; returns the exit status."""
        print(f"# {self.failed} failed" if self.failed else "# all passed", flush=True)
        return 1 if self.failed else 0
