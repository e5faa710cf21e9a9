import factory

from laurel.certificates.models import CertificateTemplate, Kind


class CertificateTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificateTemplate

    kind = Kind.HONOR
    name = factory.Sequence(lambda n: f"荣誉证书模板{n}")
    heading = "荣誉证书"
    heading_en = "Certificate of Honor"
    association_name = "云州市科学技术协会"
    association_name_en = "Yunzhou Association for Science and Technology"
    signatory = "主席 周雅"
