from laurel.core import spam


def test_plain_comment_is_not_spam():
    assert spam.spam_reasons("向科技工作者致敬！希望更多年轻人投身科研。") == []


def test_many_links_are_spam():
    text = "看这里 http://a.example http://b.example www.c.example"
    assert spam.spam_reasons(text) == ["links"]


def test_two_links_are_allowed():
    assert spam.spam_reasons("资料 https://a.example 和 https://b.example") == []


def test_character_run_is_repetition():
    assert "repetition" in spam.spam_reasons("好" * 20)


def test_repeated_words_are_repetition():
    assert "repetition" in spam.spam_reasons("buy now " * 10)


def test_repeated_chinese_chunks_are_repetition():
    assert "repetition" in spam.spam_reasons("点击领取大奖" * 8)


def test_same_text_as_a_recent_comment_is_duplicate():
    assert spam.spam_reasons("Great  event!", recent_texts=["great event!"]) == ["duplicate"]
