"""``python -m marketplace.demo --sign-ins`` prints the demo accounts, one for each role first."""
import sys

from . import sign_ins


def main(argv: list[str]) -> int:
    if "--sign-ins" not in argv:
        print("usage: python -m marketplace.demo --sign-ins")
        return 2
    accounts = sign_ins()
    order = {"admin": 0, "broker": 1, "org_admin": 2, "member": 3}
    shown = set()
    print("Demo sign-ins (email / password, role, organisation):")
    for account in sorted(accounts, key=lambda a: order.get(a["role"], 9)):
        if account["role"] in shown and account["role"] in ("admin", "broker"):
            continue
        shown.add(account["role"])
        print(f"  {account['email']:<38} {account['password']:<22} {account['role']:<10} {account['organisation']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
