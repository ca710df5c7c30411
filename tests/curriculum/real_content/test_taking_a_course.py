"""Taking the self-paced module M1: who may open its lessons, progress that follows the trainee across languages."""

import pytest

from curriculum.models import LessonPage, LessonProgress
from tests.curriculum.helpers import as_shown, signed_in
from tests.curriculum.real_content.conftest import module
from tests.factories.curriculum import LessonPageFactory


def lessons(language="az"):
    return list(LessonPage.objects.live().child_of(module("M1", language)).order_by("path"))


def progress_text(done, total, language="az"):
    return as_shown(
        "%(done)s of %(total)s lessons completed (%(percent)s%%)", language, done=done, total=total, percent=round(100 * done / total)
    )


@pytest.fixture
def m13_lesson():
    """A lesson of M13, a policy dialogue delivered in sessions (the demo gives it none)."""
    return LessonPageFactory(parent=module("M13"), title="Labour migration basics")


def test_anonymous_visitor_is_sent_to_sign_in_from_a_lesson(client):
    lesson = lessons()[0]

    response = client.get(lesson.url)

    assert response.status_code == 302
    assert response["Location"].startswith("/az/accounts/login/")
    assert f"next={lesson.url}" in response["Location"].replace("%2F", "/")


def test_trainee_opening_a_lesson_records_a_visit(client, trainee):
    lesson = lessons()[0]

    response = signed_in(client, trainee).get(lesson.url)

    assert response.status_code == 200
    row = LessonProgress.objects.get(user=trainee)
    assert row.lesson_key == lesson.translation_key
    assert row.module_key == module("M1").translation_key
    assert row.completed_at is None


def test_trainee_marking_a_lesson_complete_goes_on_to_the_next_lesson(client, trainee):
    first, second, *_ = lessons()

    response = signed_in(client, trainee).post(first.url, {"action": "complete"})

    assert response.status_code == 302
    assert response["Location"] == second.url
    assert LessonProgress.objects.get(user=trainee, lesson_key=first.translation_key).completed_at is not None


def test_completing_the_last_lesson_returns_to_the_module(client, trainee):
    last = lessons()[-1]

    response = signed_in(client, trainee).post(last.url, {"action": "complete"})

    assert response["Location"] == module("M1").url


def test_my_learning_shows_one_of_four_lessons_done_and_continues_with_the_second(client, trainee):
    first, second, *_ = lessons()
    signed_in(client, trainee).get(first.url)
    client.post(first.url, {"action": "complete"})

    response = client.get("/az/learning/")

    assert response.status_code == 200
    [item] = response.context["progress"]
    assert (item.module.code, item.completed, item.total) == ("M1", 1, len(lessons()))
    assert item.resume == second
    page = response.content.decode()
    assert progress_text(1, 4) in page
    assert f'href="{second.url}"' in page


def test_reading_the_russian_lesson_continues_the_same_progress(client, trainee):
    first, second, *_ = lessons()
    second_ru = lessons("ru")[1]
    signed_in(client, trainee).post(first.url, {"action": "complete"})

    client.get(second_ru.url)
    client.post(second_ru.url, {"action": "complete"})

    assert LessonProgress.objects.filter(user=trainee).count() == 2
    assert LessonProgress.objects.get(user=trainee, lesson_key=second.translation_key).completed_at is not None
    [item] = client.get("/az/learning/").context["progress"]
    assert item.completed == 2


def test_completing_a_lesson_twice_counts_it_once(client, trainee):
    first = lessons()[0]
    signed_in(client, trainee).post(first.url, {"action": "complete"})
    completed_at = LessonProgress.objects.get(user=trainee).completed_at

    client.post(lessons("en")[0].url, {"action": "complete"})

    assert LessonProgress.objects.get(user=trainee).completed_at == completed_at


def test_my_learning_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/az/learning/")

    assert response.status_code == 302
    assert response["Location"].startswith("/az/accounts/login/")


def test_trainee_is_refused_a_lesson_of_a_module_delivered_in_sessions(client, trainee, m13_lesson):
    response = signed_in(client, trainee).get(m13_lesson.url)

    assert response.status_code == 403
    assert not LessonProgress.objects.filter(user=trainee).exists()


def test_trainee_cannot_complete_a_lesson_of_a_module_delivered_in_sessions(client, trainee, m13_lesson):
    response = signed_in(client, trainee).post(m13_lesson.url, {"action": "complete"})

    assert response.status_code == 403
    assert not LessonProgress.objects.filter(user=trainee).exists()


def test_trainer_opens_a_lesson_of_a_module_delivered_in_sessions(client, trainer, m13_lesson):
    response = signed_in(client, trainer).get(m13_lesson.url)

    assert response.status_code == 200


@pytest.mark.parametrize("data", [{"action": "delete"}, {"action": ""}, {}])
def test_lesson_post_with_an_unknown_action_is_a_bad_request(client, trainee, data):
    response = signed_in(client, trainee).post(lessons()[0].url, data)

    assert response.status_code == 400
    assert not LessonProgress.objects.filter(user=trainee, completed_at__isnull=False).exists()


def test_module_page_shows_the_trainees_progress_on_each_lesson(client, trainee):
    first = lessons()[0]
    signed_in(client, trainee).post(first.url, {"action": "complete"})

    response = client.get(module("M1").url)

    entries = response.context["lessons"]
    assert [entry.completed for entry in entries] == [True, False, False, False]
