from django.apps import AppConfig


class NetworkgroupConfig(AppConfig):
    name = "networkgroup"
