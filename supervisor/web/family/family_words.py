"""Pages to reword or remove the family's own checklist items and discussion prompts.

A checklist item is a requirement for every track at its stage, so changing one is a family
rule: a fresh password, an audit row and a notice. Removing one asks for less, so under two
keys it waits for another guardian, like asking fewer check-ins; rewording applies at once.
A prompt is only a question to talk about: rewording or removing it is audited and told.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from supervisor.content.lessons import topics_for
from supervisor.family import own_words, rules
from supervisor.models import FamilyChecklistItem, FamilyPrompt, RuleChange
from supervisor.notices import N_, Stage, notice
from supervisor.web import authority, stepup
from supervisor.web.access import current_guardian, family_row_or_404, require_guardian
from supervisor.web.forms.family import ItemWordingForm, PromptWordingForm, RemovalForm
from supervisor.web.forms.fields import required
from supervisor.web.language import content_language

bp = Blueprint("family_words", __name__, url_prefix="/family/own")
bp.before_request(require_guardian)


@bp.get("/")
def index() -> str:
    """Everything the family wrote itself, current and removed, with every change."""
    family_id = current_guardian().family_id
    waiting = {
        int(rules.details(c.changes, rules.REMOVE_ITEM)["item_id"])
        for c in rules.open_changes(family_id)
        if rules.REMOVE_ITEM in c.changes
    }
    return render_template(
        "family/own_words.html",
        words=own_words.of_family(family_id),
        waiting=waiting,
        topics=topics_for(content_language()),
    )


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
def edit_item(item_id: int) -> str | Response:
    """Reword a checklist item: ticks already given stay, with the words they were given for."""
    item = family_row_or_404(FamilyChecklistItem, item_id)
    form = ItemWordingForm(obj=item)
    if form.validate_on_submit():
        if form.label.data == item.label:
            flash(_("That is the item's wording already; nothing was changed."), "info")
            return redirect(url_for("family_words.index"))
        guardian, old = current_guardian(), item.label
        own_words.edit_item(guardian, item, required(form.label.data))
        authority.done(
            f"checklist_item:{item.id}",
            notice(
                N_(
                    "%(name)s reworded the family's checklist item for every track at %(stage)s "
                    "from “%(old)s” to “%(new)s”. Ticks already given stay."
                ),
                name=guardian.name,
                stage=Stage(item.stage),
                old=old,
                new=item.label,
            ),
            by=guardian,
        )
        flash(_("The checklist item is reworded for every track."), "success")
        return redirect(url_for("family_words.index"))
    return _item_page(item, form=form)


@bp.post("/items/<int:item_id>/remove")
def remove_item(item_id: int) -> str | Response | tuple[str, int]:
    """Remove a checklist item: no track needs it any more (under two keys, once approved)."""
    item = family_row_or_404(FamilyChecklistItem, item_id)
    form = RemovalForm()
    if not form.validate_on_submit():
        return _item_page(item, removal=form), 400
    guardian = current_guardian()
    family = rules.family_with_guardians(guardian.family_id, lock=True, actor=guardian)
    if rules.two_keys_guard(family):
        if any(_removes(c, item) for c in rules.open_changes(family.id)):
            flash(_("Removing this item already waits for another guardian's approval."), "info")
            return redirect(url_for("family_words.index"))
        wanted = {"item_id": item.id, "label": item.label, "reason": form.reason.data}
        proposal = rules.hold(guardian, {rules.REMOVE_ITEM: wanted}, {})
        authority.done(
            f"checklist_item:{item.id} removal held",
            rules.waiting(guardian, proposal),
            by=guardian,
        )
        flash(
            _(
                "Removing a checklist item asks less of every track, so it waits for another "
                "guardian's approval in Family settings. They have been told."
            ),
            "info",
        )
        return redirect(url_for("family_words.index"))
    own_words.remove_item(guardian.id, item, required(form.reason.data))
    authority.done(
        f"checklist_item:{item.id}",
        notice(
            N_(
                "%(name)s removed “%(label)s” from the family's checklist (“%(reason)s”): no track "
                "needs it any more. Ticks already given stay in the history."
            ),
            name=guardian.name,
            label=item.label,
            reason=required(form.reason.data),
        ),
        by=guardian,
    )
    flash(_("“%(label)s” is no longer on your checklist.", label=item.label), "success")
    return redirect(url_for("family_words.index"))


@bp.route("/prompts/<int:prompt_id>", methods=["GET", "POST"])
def edit_prompt(prompt_id: int) -> str | Response:
    """Reword one of the family's prompts; check-ins that used it keep the words they used."""
    prompt = family_row_or_404(FamilyPrompt, prompt_id)
    form = PromptWordingForm(obj=prompt)
    if form.validate_on_submit():
        if form.text.data == prompt.text:
            flash(_("That is the prompt's wording already; nothing was changed."), "info")
            return redirect(url_for("family_words.index"))
        guardian, old = current_guardian(), prompt.text
        own_words.edit_prompt(guardian, prompt, required(form.text.data))
        authority.done(
            f"prompt:{prompt.id}",
            notice(
                N_("%(name)s reworded the family's prompt “%(old)s” to “%(new)s”."),
                name=guardian.name,
                old=old,
                new=prompt.text,
            ),
            by=guardian,
        )
        flash(_("The prompt is reworded."), "success")
        return redirect(url_for("family_words.index"))
    return _prompt_page(prompt, form=form)


@bp.post("/prompts/<int:prompt_id>/remove")
def remove_prompt(prompt_id: int) -> str | Response | tuple[str, int]:
    """Take one of the family's prompts out of the bank."""
    prompt = family_row_or_404(FamilyPrompt, prompt_id)
    form = RemovalForm()
    if not form.validate_on_submit():
        return _prompt_page(prompt, removal=form), 400
    guardian = current_guardian()
    own_words.remove_prompt(guardian, prompt, required(form.reason.data))
    authority.done(
        f"prompt:{prompt.id}",
        notice(
            N_("%(name)s removed the family's prompt “%(text)s” (“%(reason)s”)."),
            name=guardian.name,
            text=prompt.text,
            reason=required(form.reason.data),
        ),
        by=guardian,
    )
    flash(_("The prompt is out of the bank. Check-ins that used it keep its words."), "success")
    return redirect(url_for("family_words.index"))


def _removes(proposal: RuleChange, item: FamilyChecklistItem) -> bool:
    wanted = proposal.changes.get(rules.REMOVE_ITEM)
    return isinstance(wanted, dict) and wanted.get("item_id") == item.id


def _item_page(
    item: FamilyChecklistItem,
    form: ItemWordingForm | None = None,
    removal: RemovalForm | None = None,
) -> str:
    family = rules.family_with_guardians(item.family_id, lock=False)
    return render_template(
        "family/own_item.html",
        item=item,
        form=form or ItemWordingForm(formdata=None, obj=item),
        removal=removal or RemovalForm(formdata=None),
        two_keys=rules.two_keys_guard(family),
        needs_password=not stepup.is_fresh(),
    )


def _prompt_page(
    prompt: FamilyPrompt,
    form: PromptWordingForm | None = None,
    removal: RemovalForm | None = None,
) -> str:
    return render_template(
        "family/own_prompt.html",
        prompt=prompt,
        form=form or PromptWordingForm(formdata=None, obj=prompt),
        removal=removal or RemovalForm(formdata=None),
    )
