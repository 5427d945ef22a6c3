"""Staff accounts come only from the command line."""
from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.extensions import db


def test_create_staff_asks_for_the_password(runner, client):
    result = runner.invoke(args=["users", "create-staff", "ops@pappus.example.com"],
                           input="staff-secret-1\nstaff-secret-1\n")
    assert result.exit_code == 0, result.output
    assert "Created staff account ops@pappus.example.com." in result.output
    user = db.session.scalar(select(User).where(User.email == "ops@pappus.example.com"))
    assert user.role == "staff"
    response = client.post("/login", data={"email": "ops@pappus.example.com", "password": "staff-secret-1"},
                           follow_redirects=True)
    assert "Staff dashboard" in response.get_data(as_text=True)


def test_create_staff_refuses_a_short_password_with_a_reason(runner):
    result = runner.invoke(args=["users", "create-staff", "ops@pappus.example.com"], input="short\nshort\n")
    assert result.exit_code != 0
    assert "Use at least 10 characters" in result.output
    assert db.session.scalar(select(User)) is None


def test_demo_load_is_idempotent_and_prints_logins(runner):
    first = runner.invoke(args=["demo", "load"])
    second = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "staff@pappus.example.com" in second.output
    # A brand's state is a badge on its pages, never part of its name.
    assert "Nova Drinks" in second.output and "(awaiting verification)" not in second.output
    roles = db.session.scalars(select(User.role)).all()
    assert roles.count("staff") == 1 and roles.count("brand") >= 2 and roles.count("creator") >= 3
