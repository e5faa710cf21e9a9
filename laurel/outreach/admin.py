from django.contrib import admin

from laurel.outreach.models import Batch, District, LectureGroup, Membership, Talk, TalkTopic

admin.site.register([District, LectureGroup, Batch, TalkTopic])


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "group", "role", "batch", "retired_on"]
    raw_id_fields = ["person", "user"]


@admin.register(Talk)
class TalkAdmin(admin.ModelAdmin):
    list_display = ["code", "host_name", "status", "speaker", "date"]
    list_filter = ["status"]
    readonly_fields = ["status"]
