"""The e-mail templates every company starts with, in the four languages.

Words the company sends its customers, so written here in every language (like the
letter headings in ``company/reference.py``) rather than in the interface catalogue: a
mail must never wait for a translation. The merge fields are those of
``models/mail/render.py`` (``MERGE_FIELDS``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StandardText:
    """A template's subject and body in one language."""

    subject: str
    body: str


@dataclass(frozen=True)
class StandardTemplate:
    """A template a new company gets: its code, its name per language, its texts."""

    code: str
    names: dict[str, str]
    texts: dict[str, StandardText]


_OLDEST = {
    "en": "{% if oldest_past_due %}The oldest item has been due since {{ oldest_past_due.date }} "
    "({{ oldest_past_due.days }} days).{% endif %}",
    "es": "{% if oldest_past_due %}La partida más antigua venció el {{ oldest_past_due.date }} "
    "(hace {{ oldest_past_due.days }} días).{% endif %}",
    "fr": "{% if oldest_past_due %}La pièce la plus ancienne est échue depuis le "
    "{{ oldest_past_due.date }} ({{ oldest_past_due.days }} jours).{% endif %}",
    "pt": "{% if oldest_past_due %}O item mais antigo venceu em {{ oldest_past_due.date }} "
    "(há {{ oldest_past_due.days }} dias).{% endif %}",
}

_SIGNATURE = "{{ agent.signature }}\n{{ company.name }}"

_AGING = (
    "{% for period in aging %}{% if period.open %}{{ period.label }}: {{ period.amount }}\n"
    "{% endif %}{% endfor %}"
)

STANDARD_TEMPLATES: tuple[StandardTemplate, ...] = (
    StandardTemplate(
        "REMINDER",
        {
            "en": "Payment reminder",
            "es": "Recordatorio de pago",
            "fr": "Rappel de paiement",
            "pt": "Lembrete de pagamento",
        },
        {
            "en": StandardText(
                "Payment reminder – account {{ customer.account }}",
                "Dear {{ contact.name }},\n\n"
                "According to our records the following items of account "
                "{{ customer.account }} are past due:\n\n{{ past_due_table }}\n\n"
                "Past due in all: {{ past_due }}. " + _OLDEST["en"] + "\n\n"
                "If you have already paid, please disregard this message; otherwise we "
                "would be grateful for your payment within the next few days.\n\n"
                "Kind regards,\n" + _SIGNATURE,
            ),
            "es": StandardText(
                "Recordatorio de pago – cuenta {{ customer.account }}",
                "Estimado/a {{ contact.name }}:\n\n"
                "Según nuestros registros, las siguientes partidas de la cuenta "
                "{{ customer.account }} están vencidas:\n\n{{ past_due_table }}\n\n"
                "Total vencido: {{ past_due }}. " + _OLDEST["es"] + "\n\n"
                "Si ya ha realizado el pago, le rogamos no tenga en cuenta este mensaje; en "
                "caso contrario, le agradeceríamos que lo efectuara en los próximos días.\n\n"
                "Atentamente,\n" + _SIGNATURE,
            ),
            "fr": StandardText(
                "Rappel de paiement – compte {{ customer.account }}",
                "Bonjour {{ contact.name }},\n\n"
                "Selon nos livres, les pièces suivantes du compte {{ customer.account }} "
                "sont échues :\n\n{{ past_due_table }}\n\n"
                "Total échu : {{ past_due }}. " + _OLDEST["fr"] + "\n\n"
                "Si vous avez déjà réglé, veuillez ne pas tenir compte de ce message ; sinon, "
                "nous vous remercions de procéder au paiement dans les prochains jours.\n\n"
                "Cordialement,\n" + _SIGNATURE,
            ),
            "pt": StandardText(
                "Lembrete de pagamento – conta {{ customer.account }}",
                "Caro(a) {{ contact.name }},\n\n"
                "Segundo os nossos registos, os seguintes itens da conta "
                "{{ customer.account }} estão vencidos:\n\n{{ past_due_table }}\n\n"
                "Total vencido: {{ past_due }}. " + _OLDEST["pt"] + "\n\n"
                "Se já efetuou o pagamento, ignore esta mensagem; caso contrário, "
                "agradecemos que o faça nos próximos dias.\n\n"
                "Com os melhores cumprimentos,\n" + _SIGNATURE,
            ),
        },
    ),
    StandardTemplate(
        "STATEMENT",
        {
            "en": "Statement cover",
            "es": "Carta de extracto",
            "fr": "Lettre de relevé",
            "pt": "Carta de extrato",
        },
        {
            "en": StandardText(
                "Statement of account {{ customer.account }} – {{ today }}",
                "Dear {{ contact.name }},\n\n"
                "Please find your statement of account {{ customer.account }} as of "
                "{{ today }}. Your balance is {{ balance }}.\n\n{{ items_table }}\n\n"
                + _AGING
                + "\nDo not hesitate to contact me with any question.\n\n"
                "Kind regards,\n" + _SIGNATURE,
            ),
            "es": StandardText(
                "Extracto de la cuenta {{ customer.account }} – {{ today }}",
                "Estimado/a {{ contact.name }}:\n\n"
                "Le enviamos el extracto de la cuenta {{ customer.account }} a "
                "{{ today }}. Su saldo es de {{ balance }}.\n\n{{ items_table }}\n\n"
                + _AGING
                + "\nNo dude en ponerse en contacto conmigo para cualquier consulta.\n\n"
                "Atentamente,\n" + _SIGNATURE,
            ),
            "fr": StandardText(
                "Relevé du compte {{ customer.account }} – {{ today }}",
                "Bonjour {{ contact.name }},\n\n"
                "Veuillez trouver le relevé de votre compte {{ customer.account }} au "
                "{{ today }}. Votre solde s’élève à {{ balance }}.\n\n{{ items_table }}\n\n"
                + _AGING
                + "\nJe reste à votre disposition pour toute question.\n\n"
                "Cordialement,\n" + _SIGNATURE,
            ),
            "pt": StandardText(
                "Extrato da conta {{ customer.account }} – {{ today }}",
                "Caro(a) {{ contact.name }},\n\n"
                "Junto enviamos o extrato da conta {{ customer.account }} em "
                "{{ today }}. O seu saldo é de {{ balance }}.\n\n{{ items_table }}\n\n"
                + _AGING
                + "\nNão hesite em contactar-me para qualquer esclarecimento.\n\n"
                "Com os melhores cumprimentos,\n" + _SIGNATURE,
            ),
        },
    ),
    StandardTemplate(
        "OVERDUE",
        {
            "en": "Overdue notice",
            "es": "Aviso de impago",
            "fr": "Avis de retard",
            "pt": "Aviso de atraso",
        },
        {
            "en": StandardText(
                "Overdue notice – account {{ customer.account }}",
                "Dear {{ contact.name }},\n\n"
                "Despite our reminders, {{ past_due }} of account {{ customer.account }} "
                "remains unpaid. " + _OLDEST["en"] + "\n\n{{ past_due_table }}\n\n"
                "Please pay the amount due within 7 days, or contact me to agree on a "
                "payment plan. Otherwise we will have to take further steps.\n\n" + _SIGNATURE,
            ),
            "es": StandardText(
                "Aviso de impago – cuenta {{ customer.account }}",
                "Estimado/a {{ contact.name }}:\n\n"
                "A pesar de nuestros recordatorios, {{ past_due }} de la cuenta "
                "{{ customer.account }} sigue sin pagarse. " + _OLDEST["es"] + "\n\n"
                "{{ past_due_table }}\n\n"
                "Le rogamos abone el importe vencido en un plazo de 7 días o se ponga en "
                "contacto conmigo para acordar un plan de pagos. De lo contrario, nos veremos "
                "obligados a tomar otras medidas.\n\n" + _SIGNATURE,
            ),
            "fr": StandardText(
                "Avis de retard – compte {{ customer.account }}",
                "Bonjour {{ contact.name }},\n\n"
                "Malgré nos rappels, {{ past_due }} du compte {{ customer.account }} reste "
                "impayé. " + _OLDEST["fr"] + "\n\n{{ past_due_table }}\n\n"
                "Nous vous prions de régler le montant échu sous 7 jours ou de me contacter "
                "pour convenir d’un échéancier. À défaut, nous serons contraints de prendre "
                "d’autres mesures.\n\n" + _SIGNATURE,
            ),
            "pt": StandardText(
                "Aviso de atraso – conta {{ customer.account }}",
                "Caro(a) {{ contact.name }},\n\n"
                "Apesar dos nossos lembretes, {{ past_due }} da conta {{ customer.account }} "
                "continua por pagar. " + _OLDEST["pt"] + "\n\n{{ past_due_table }}\n\n"
                "Pedimos que pague o montante vencido no prazo de 7 dias ou que me contacte "
                "para acordar um plano de pagamento. Caso contrário, teremos de tomar outras "
                "medidas.\n\n" + _SIGNATURE,
            ),
        },
    ),
)
"""Reminder, statement cover and overdue notice, in English, Spanish, French, Portuguese."""
