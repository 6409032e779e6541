"""账号管理: office staff keep their units' accounts usable — e-mail addresses for 催办,
passwords reset or a reset link sent, login locks lifted."""

from axes.utils import reset
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from reform.views import safe_next
from units.accounts import RESET_EMAIL, accounts_of, locks, with_units
from units.roles import office_required


def account_or_404(request, user_id):
    return get_object_or_404(with_units(accounts_of(request.user)), pk=user_id)


class ContactForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=150, required=False)
    email = forms.EmailField(
        label=gettext_lazy("电子邮箱"),
        required=False,
        help_text=gettext_lazy("催办通知和重置密码链接发到这里。"),
        error_messages={"invalid": gettext_lazy("请输入有效的电子邮箱地址。")},
    )


@login_required
@office_required
@require_safe
def account_list(request):
    users = with_units(accounts_of(request.user)).order_by("username")
    unit = request.GET.get("unit", "")
    if unit.isdigit():  # from a dashboard's 无邮箱: that unit's members
        users = users.filter(memberships__unit=unit)
    users = list(users)
    in_force = locks(u.username for u in users)
    locked = {lock.username: lock for lock in in_force if lock.username}
    for user in users:
        user.lock = locked.get(user.username)
    addresses = [lock for lock in in_force if not lock.username]
    return render(request, "units/account_list.html", {"users": users, "addresses": addresses})


@login_required
@office_required
def account_detail(request, user_id):
    account = account_or_404(request, user_id)
    contact = ContactForm(
        request.POST if "contact" in request.POST else None,
        initial={"name": account.first_name, "email": account.email},
    )
    password = SetPasswordForm(account, request.POST if "password" in request.POST else None)
    if contact.is_valid():
        account.first_name = contact.cleaned_data["name"]
        account.email = contact.cleaned_data["email"]
        account.save(update_fields=["first_name", "email"])
        messages.success(request, _("已保存%(user)s的联系方式。") % {"user": account.username})
        return redirect("units:account", user_id=account.pk)
    if password.is_valid():
        password.save()
        messages.success(
            request,
            _(
                "已重置%(user)s的密码。请当面或电话告知新密码，对方登录后可在“修改密码”中改为自己的密码。"
            )
            % {"user": account.username},
        )
        return redirect("units:account", user_id=account.pk)
    account.lock = next(iter(locks([account.username])), None)
    ctx = {"account": account, "contact": contact, "password": password}
    return render(request, "units/account_detail.html", ctx)


@login_required
@office_required
@require_POST
def account_reset_link(request, user_id):
    account = account_or_404(request, user_id)
    if not account.email:
        messages.error(
            request, _("该账号没有电子邮箱，无法发送重置链接。请先填写邮箱，或直接重置密码。")
        )
        return redirect("units:account", user_id=account.pk)
    form = PasswordResetForm({"email": account.email})
    form.is_valid()
    form.save(request=request, use_https=request.is_secure(), email_template_name=RESET_EMAIL)
    messages.success(
        request, _("重置密码链接已发送至 %(email)s，24小时内有效。") % {"email": account.email}
    )
    return redirect("units:account", user_id=account.pk)


@login_required
@office_required
@require_POST
def account_unlock(request):
    """Lifts a lock: an account's (from every address) or an address's (across accounts)."""
    usernames = accounts_of(request.user).values_list("username", flat=True)
    address = request.POST.get("address", "")
    username = request.POST.get("username", "")
    lock = next(
        (lock for lock in locks(usernames) if (lock.username, lock.address) == (username, address)),
        None,
    )
    if lock is None:
        messages.info(request, _("该锁定已解除或已过期，无需操作。"))
    elif lock.username:
        reset(username=lock.username)
        messages.success(request, _("已解锁账号 %(user)s。") % {"user": lock.username})
    else:
        reset(ip=lock.address)
        messages.success(request, _("已解除对地址 %(address)s 的登录限制。") % {"address": address})
    return redirect(safe_next(request, request.POST.get("next", ""), "units:accounts"))
