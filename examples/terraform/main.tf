# The two force-password-reset Actions, their trigger bindings, and the M2M application the
# post-change-password Action uses — one configuration for every tenant, one .tfvars per tenant:
#   terraform workspace select -or-create dev
#   terraform apply -var-file=dev.tfvars
# Terraform's own credentials: AUTH0_CLIENT_ID / AUTH0_CLIENT_SECRET in the environment (see README.md).

provider "auth0" {
  domain = var.auth0_domain
}

locals {
  # The exact version of auth0-force-password-reset both Actions load. Bump it with package.json
  # (the package's test suite fails when they differ) and roll it out one tenant at a time.
  force_password_reset_version = "0.2.0"

  # Action code is rendered from the templates in ./actions: the values go in as JSON, which is also
  # a valid, escaped JavaScript literal.
  password_reset_message_js = length(var.password_reset_message_translations) == 0 ? jsonencode(var.password_reset_message) : jsonencode(merge(var.password_reset_message_translations, { default = var.password_reset_message }))
}

# --- The M2M application the clearer calls the Management API with -------------------------------

resource "auth0_client" "password_reset" {
  name        = "Force password reset (Management API)"
  description = "Used by the post-change-password Action to clear the force-password-reset flag."
  app_type    = "non_interactive"
  grant_types = ["client_credentials"]

  jwt_configuration {
    alg = "RS256"
  }
}

# Its secret. Reading client_secret back needs the read:client_keys (or read:client_credentials)
# scope on Terraform's own M2M application; without it the attribute is "" (see the precondition).
resource "auth0_client_credentials" "password_reset" {
  client_id             = auth0_client.password_reset.id
  authentication_method = "client_secret_post"
}

resource "auth0_client_grant" "password_reset" {
  client_id = auth0_client.password_reset.id
  audience  = "https://${var.auth0_domain}/api/v2/"
  # The clearer reads a user and merges one app_metadata key: no more than that.
  scopes    = ["read:users", "update:users_app_metadata"]
}

# --- The Actions ----------------------------------------------------------------------------------

resource "auth0_action" "post_login" {
  name    = "force-password-reset-post-login"
  runtime = "node22"
  deploy  = true
  code = templatefile("${path.module}/actions/post-login.js.tftpl", {
    flag_js     = jsonencode(var.password_reset_flag)
    message_js  = local.password_reset_message_js
    page_url_js = jsonencode(var.change_password_page_url)
  })

  supported_triggers {
    id      = "post-login"
    version = "v3"
  }

  dependencies {
    name    = "auth0-force-password-reset"
    version = local.force_password_reset_version
  }

  # The key shared with the change-password page: the page's sessionSecret has the same value.
  secrets {
    name  = "CHANGE_PASSWORD_PAGE_SECRET"
    value = var.change_password_page_secret
  }
}

resource "auth0_action" "post_change_password" {
  name    = "force-password-reset-post-change-password"
  runtime = "node22"
  deploy  = true
  code = templatefile("${path.module}/actions/post-change-password.js.tftpl", {
    flag_js = jsonencode(var.password_reset_flag)
  })

  supported_triggers {
    id      = "post-change-password"
    version = "v2"
  }

  dependencies {
    name    = "auth0-force-password-reset"
    version = local.force_password_reset_version
  }

  secrets {
    name  = "AUTH0_DOMAIN"
    value = var.auth0_domain
  }

  secrets {
    name  = "AUTH0_CLIENT_ID"
    value = auth0_client.password_reset.client_id
  }

  secrets {
    name  = "AUTH0_CLIENT_SECRET"
    value = auth0_client_credentials.password_reset.client_secret
  }

  lifecycle {
    precondition {
      condition     = auth0_client_credentials.password_reset.client_secret != ""
      error_message = "The M2M client secret read back empty: grant Terraform's own application the read:client_keys scope."
    }
  }

  # The grant must exist before the clearer can get a token.
  depends_on = [auth0_client_grant.password_reset]
}

# --- Trigger bindings -----------------------------------------------------------------------------
# auth0_trigger_actions owns *all* bindings of its trigger: list every Action the tenant runs on
# post-login / post-change-password here, in order (or use auth0_trigger_action, which appends one).

resource "auth0_trigger_actions" "post_login" {
  trigger = "post-login"

  actions {
    id           = auth0_action.post_login.id
    display_name = auth0_action.post_login.name
  }
}

resource "auth0_trigger_actions" "post_change_password" {
  trigger = "post-change-password"

  actions {
    id           = auth0_action.post_change_password.id
    display_name = auth0_action.post_change_password.name
  }
}
