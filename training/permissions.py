"""Who may change a question bank. Reading is open to every trainer and
manager of the center (people.permissions.trainer_required); these decide the
writes, and the templates ask them too, to hide what a person cannot use."""

from __future__ import annotations

from people.models import User
from training.models import Bank


def can_edit_bank(user: User, bank: Bank) -> bool:
    """Rename the bank, change its categories and questions, import into it:
    its owner, its co-owners and managers."""
    if user.can_manage:
        return True
    if not user.can_train:
        return False
    return bank.owner_id == user.pk or bank.co_owners.filter(pk=user.pk).exists()


def can_manage_bank(user: User, bank: Bank) -> bool:
    """Delete the whole bank and name its co-owners: its owner and managers."""
    return user.can_manage or (user.can_train and bank.owner_id == user.pk)
