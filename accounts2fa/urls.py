app_name = "accounts2fa"
urlpatterns: list = []
