"""Deployment checks (`manage.py check --deploy`) for settings Django cannot judge alone."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_trusted_proxies(app_configs, **kwargs):
    """HTTPS is forced, yet no proxy is trusted: behind a proxy that ends TLS every request looks like plain HTTP
    (X-Forwarded-Proto is ignored), so Laurel redirects forever, and every client shares the proxy's address."""
    if settings.SECURE_SSL_REDIRECT and settings.LAUREL_TRUSTED_PROXIES == 0:
        return [
            Warning(
                "LAUREL_TRUSTED_PROXIES is 0 while HTTPS is enforced.",
                hint=(
                    "Behind a reverse proxy (nginx, a load balancer), set LAUREL_TRUSTED_PROXIES to the number of "
                    "proxies that append to X-Forwarded-For (usually 1). If clients really connect to Laurel "
                    "directly over HTTPS, silence laurel.W001."
                ),
                id="laurel.W001",
            )
        ]
    return []
