"""Working together in a real browser: the care home reports a child missing from the child's profile;
the control room sees the report filled in from it; the child is found; the return interview provider
completes the interview and proposes a change; the placing authority writes a new trigger plan."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.journeys.demo import answer_risk_questions, fill_date

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password-1"


def sign_in(browser, live_server, username: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


@dataclass
class Partners:
    home: object
    carer: object
    provider: object
    interviewer: object
    socialworker: object


@pytest.fixture
def partners(cast) -> Partners:  # type: ignore[no-untyped-def]
    from misper.accounts.models import AgencyKind, Role
    from tests.factories import agency_make, user_make

    home = agency_make(AgencyKind.CARE_PROVIDER, code="oak-house", name="Oak House", police_area=cast.force)
    provider = agency_make(
        AgencyKind.RETURN_INTERVIEW_PROVIDER, code="journey-ri", name="Safe Returns", commissioned_by=cast.la
    )
    cast.child.care_provider = home
    cast.child.save(update_fields=["care_provider"])
    # Demo users sign in without a second factor in demo mode (misper.accounts.signin).
    cast.calltaker.is_demo = True
    cast.calltaker.save(update_fields=["is_demo"])
    return Partners(
        home=home,
        carer=user_make(home, Role.PARTNER_PRACTITIONER, username="carer", is_demo=True),
        provider=provider,
        interviewer=user_make(provider, Role.PARTNER_PRACTITIONER, username="interviewer", is_demo=True),
        socialworker=user_make(cast.la, Role.PARTNER_PRACTITIONER, username="socialworker", is_demo=True),
    )


def _check_and_close(episode, cast) -> None:  # type: ignore[no-untyped-def]
    from misper.episodes.services import episode_close, safe_and_well_record
    from tests.factories import episode_version

    safe_and_well_record(
        episode_id=episode.pk,
        acting_user=cast.calltaker,
        data={"child_account": "Went to town.", "returned_to": "same_place"},
        expected_version=episode_version(episode.pk),
    )
    episode_close(
        episode_id=episode.pk, acting_user=cast.calltaker, expected_version=episode_version(episode.pk)
    )


def test_partner_journey(browser, live_server, cast, partners, axe, shot):  # type: ignore[no-untyped-def]
    from misper.episodes.models import Episode
    from misper.partners.models import MissingNotification, ReturnInterview, TriggerPlan

    child = cast.child
    # The care home keeps the profile and reports the child missing from it.
    home = sign_in(browser, live_server, "carer")
    home.goto(f"/children/{child.pk}/care-profile")
    axe(home, "care profile")
    home.get_by_label("Friends and associates").fill("Mo Hussain from school; an older man called Jay")
    home.get_by_label("Places they go").fill("Demoton bus station; the chip shop on Mill Lane")
    home.get_by_role("button", name="Save the profile").click()
    expect(home.get_by_text("The profile has been saved")).to_be_visible()
    home.get_by_role("link", name="Report Caitlin missing").click()
    axe(home, "report missing form")
    home.get_by_role("button", name="Send the report to the police").click()
    expect(home.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe(home, "report missing errors")
    assert not MissingNotification.objects.exists()
    home.get_by_label("What happened?").fill("Did not come back from college. Phone off.")
    home.get_by_label("A phone number the police can call you on").fill("01632 960222")
    shot(home, "p01-care-home-report")
    home.get_by_role("button", name="Send the report to the police").click()
    expect(home.get_by_text("The police control room has your report")).to_be_visible()

    # The control room sees it first and the report form is filled in from it.
    police = sign_in(browser, live_server, "calltaker")
    police.get_by_role("link", name=re.compile("Care home reports")).click()
    axe(police, "care home reports")
    police.get_by_role("link", name="Caitlin Smith").click()
    expect(police.get_by_test_id("care-profile")).to_contain_text("an older man called Jay")
    expect(police.get_by_label("What happened?")).to_have_value("Did not come back from college. Phone off.")
    expect(police.get_by_label("Reporter's phone number")).to_have_value("01632 960222")
    expect(police.get_by_label("Care home")).to_be_checked()
    axe(police, "prefilled report")
    shot(police, "p02-prefilled-report")
    answer_risk_questions(police)
    police.get_by_role("button", name="Continue to the risk grade").click()
    police.wait_for_url(re.compile(r"/episodes/\d+/grade$"))
    police.get_by_role("button", name="Confirm the grade").click()
    police.wait_for_url(re.compile(r"/episodes/\d+$"))
    episode = Episode.objects.get(child=child)
    assert MissingNotification.objects.get().episode == episode

    # Found; checked and closed (the services the control-room journey already drives in the browser).
    police.get_by_role("link", name="Record found").click()
    police.get_by_label("Found by police").check()
    police.get_by_label("Town or city").fill("Demoton")
    police.get_by_role("button", name="Record found").click()
    police.wait_for_url(re.compile(r"/episodes/\d+$"))
    _check_and_close(episode, cast)
    ri = ReturnInterview.objects.get(episode=episode)
    assert ri.provider == partners.provider

    # The provider completes the interview and proposes a trigger plan change.
    rip = sign_in(browser, live_server, "interviewer")
    rip.get_by_role("link", name="Return interviews").click()
    expect(rip.get_by_test_id("interview-figures")).to_contain_text("0% offered")
    axe(rip, "interview queue")
    rip.get_by_role("link", name="Caitlin Smith").click()
    rip.get_by_label("Interview completed").check()
    rip.get_by_label("Interviewer").fill("Sam Interviewer")
    rip.get_by_label("The child's account, in their own words").fill(
        "I go to Jay's because he lets me stay up."
    )
    rip.get_by_label("Risks found").fill("Jay gives her alcohol")
    rip.get_by_label("Propose a change to the trigger plan").fill(
        "Add Jay's flat, 3 Mill Lane, to the places to check"
    )
    axe(rip, "interview form")
    rip.get_by_role("button", name="Record the interview").click()
    expect(rip.get_by_test_id("interview-status")).to_have_text("Completed")
    axe(rip, "interview recorded")
    shot(rip, "p03-interview")

    # The police see the findings on the episode page.
    police.goto(f"/episodes/{episode.pk}")
    expect(police.get_by_test_id("interview-findings")).to_contain_text("Jay gives her alcohol")
    expect(police.get_by_test_id("interview-findings")).not_to_contain_text("lets me stay up")
    axe(police, "episode with findings")

    # The placing authority sees the proposal and writes a new version of the plan.
    sw = sign_in(browser, live_server, "socialworker")
    sw.goto(f"/children/{child.pk}/trigger-plan")
    expect(sw.get_by_test_id("proposals")).to_contain_text("3 Mill Lane")
    axe(sw, "trigger plan")
    sw.get_by_role("link", name="Write a new version").click()
    sw.get_by_label("Actions").fill(
        "Ring the CSE team on 01632 960001\nCheck 14 Mill Lane\nCheck 3 Mill Lane (Jay's flat)"
    )
    sw.get_by_label("Agreed by").fill("Strategy meeting: DS Patel (police), J. Okoro (council)")
    fill_date(sw, "Review by", timezone.localdate() + timedelta(days=90))
    sw.get_by_label("Add Jay's flat, 3 Mill Lane, to the places to check").check()
    axe(sw, "trigger plan form")
    sw.get_by_role("button", name="Save the new version").click()
    expect(sw.get_by_test_id("current-plan")).to_contain_text("Check 3 Mill Lane (Jay's flat)")
    expect(sw.get_by_test_id("current-plan")).to_contain_text("version 2")
    axe(sw, "trigger plan updated")
    shot(sw, "p04-trigger-plan")
    assert TriggerPlan.objects.get(child=child, superseded_at__isnull=True).version == 2
