from django.contrib import admin

from laurel.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_name", "actor_email", "action", "object_repr"]
    list_filter = ["action"]
    search_fields = ["action", "object_repr", "actor_email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
