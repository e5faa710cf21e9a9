from django.contrib import admin

from laurel.consultations.models import Consultation, Round, Seat


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "asking_body", "status", "openness"]
    list_filter = ["status", "openness"]
    readonly_fields = ["status"]


admin.site.register(Seat)
admin.site.register(Round)
