from django.contrib import admin

from laurel.needs.models import Need, ServiceRecord, Subscription


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "poster_name", "field", "region", "status"]
    list_filter = ["status", "field"]
    # Statuses move only through services.transition.
    readonly_fields = ["status", "expert"]


admin.site.register(Subscription)
admin.site.register(ServiceRecord)
