"""The typst compilers' private directories (copies of the seal, the signature and the background): one per
template version, reused by every render of that version, and removed once the compiler leaves the cache."""

import gc
import os
import tempfile

import pytest

from laurel.certificates import pdf
from laurel.certificates.views import SAMPLE
from tests.factories.certificates import CertificateTemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # other processes' directories stay out of the count
    pdf._compiler.cache_clear()
    yield
    pdf._compiler.cache_clear()


def _directories(template) -> set[str]:
    prefix = f"laurel-certificate-{template.pk}-"
    return {name for name in os.listdir(tempfile.gettempdir()) if name.startswith(prefix)}


def test_renders_of_one_template_version_share_one_directory_and_a_new_version_drops_it():
    template = CertificateTemplateFactory()
    before = _directories(template)
    pdf.render(template=template, data=SAMPLE)
    pdf.render_png(template=template, data=SAMPLE)
    pdf.render(template=template, data=SAMPLE)
    (first,) = _directories(template) - before
    template.heading = "新的标题"
    template.save()  # a new version: a new compiler, the old one stays cached until evicted
    pdf.render(template=template, data=SAMPLE)
    assert len(_directories(template) - before) == 2
    pdf._compiler.cache_clear()
    gc.collect()
    assert _directories(template) - before == set()


def test_a_compiler_evicted_from_the_cache_takes_its_directory_with_it():
    fonts = str(pdf.check_fonts())
    root = pdf._compiler(990001, "v0", "", "", "", fonts).root
    assert root.is_dir() and (root / "main.typ").is_file()
    for version in range(1, pdf._compiler.cache_info().maxsize + 1):
        pdf._compiler(990001, f"v{version}", "", "", "", fonts)
    assert not root.exists()


def test_a_compiler_that_fails_to_build_leaves_no_directory(tmp_path):
    broken = tmp_path / "seal.png"
    broken.write_bytes(b"not an image")
    before = set(os.listdir(tempfile.gettempdir()))
    with pytest.raises(OSError):  # PIL cannot read it
        pdf._compiler(990002, "v0", str(broken), "", "", str(pdf.check_fonts()))
    gc.collect()
    assert not {name for name in set(os.listdir(tempfile.gettempdir())) - before if "990002" in name}
