from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hoso.records.models import Dossier, Person


@extend_schema_field({"type": "string", "nullable": True, "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"})
class PartialDateSerializerField(serializers.Field):
    """A partial date as ISO text: "1947", "1972-05" or "1972-05-12"."""

    def to_representation(self, value):
        return value.iso() if value else None


class PersonSerializer(serializers.ModelSerializer):
    birth_date = PartialDateSerializerField()
    death_date = PartialDateSerializerField()
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Person
        fields = ["id", "full_name", "family_name", "middle_name", "given_name", "aliases", "sex", "birth_date",
                  "death_date", "ethnicity", "hometown_text", "residence_text"]


class DossierSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(read_only=True, slug_field="code")
    subject = PersonSerializer(read_only=True)

    class Meta:
        model = Dossier
        fields = ["id", "number", "category", "title", "confidentiality", "status", "physical_condition", "subject"]


class SearchHitSerializer(serializers.Serializer):
    dossier_number = serializers.CharField()
    full_name = serializers.CharField()
    birth_year = serializers.IntegerField(allow_null=True)
    hometown = serializers.CharField()
    category = serializers.CharField()
    score = serializers.FloatField()
    birth = serializers.CharField(help_text="ngày sinh như đã ghi: «12/05/1948», «khoảng 1948», «trước 1950»")
    approximate = serializers.BooleanField(
        help_text="khớp gần đúng: sai chính tả, từ gõ chưa hết, khác dấu hoặc thiếu một từ")
    relative = serializers.CharField(help_text="khớp qua thân nhân này (không phải chính người có công), nếu có")


class FacetSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()

    def to_representation(self, instance):
        key, label, count = instance
        return {"key": key, "label": label, "count": count}


class FacetsSerializer(serializers.Serializer):
    category = FacetSerializer(many=True)
    unit = FacetSerializer(many=True)
    decade = FacetSerializer(many=True)


class SearchResultSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    results = SearchHitSerializer(many=True, source="hits")
    message = serializers.CharField()
    facets = FacetsSerializer()
