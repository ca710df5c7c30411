"""Reference data of the 2021 needs assessment: countries, stakeholder categories, levels.

Source: the 2021 IOM training-needs assessment for the RTCM (section 1 of the project's digest).
Countries are listed in the report's own order (English alphabetical, Uzbekistan last).
"""

from __future__ import annotations

# (ISO code, Azerbaijani, Russian, English)
COUNTRIES: list[tuple[str, str, str, str]] = [
    ("AZ", "Azərbaycan", "Азербайджан", "Azerbaijan"),
    ("BY", "Belarus", "Беларусь", "Belarus"),
    ("GE", "Gürcüstan", "Грузия", "Georgia"),
    ("IR", "İran", "Иран", "Iran"),
    ("KZ", "Qazaxıstan", "Казахстан", "Kazakhstan"),
    ("KG", "Qırğızıstan", "Кыргызстан", "Kyrgyzstan"),
    ("MD", "Moldova", "Молдова", "Moldova"),
    ("RU", "Rusiya", "Россия", "Russia"),
    ("TJ", "Tacikistan", "Таджикистан", "Tajikistan"),
    ("TR", "Türkiyə", "Турция", "Türkiye"),
    ("TM", "Türkmənistan", "Туркменистан", "Turkmenistan"),
    ("UA", "Ukrayna", "Украина", "Ukraine"),
    ("UZ", "Özbəkistan", "Узбекистан", "Uzbekistan"),
]

# (code, Azerbaijani, Russian, English)
STAKEHOLDER_CATEGORIES: list[tuple[str, str, str, str]] = [
    ("government", "Dövlət qurumu", "Государственный орган", "Government body"),
    ("cso", "Vətəndaş cəmiyyəti təşkilatı", "Организация гражданского общества", "Civil-society organisation"),
    ("media", "Media", "СМИ", "Media"),
    ("hei", "Ali təhsil / tədqiqat müəssisəsi", "Высшее образование / исследования", "Higher education / research"),
    ("io", "Beynəlxalq təşkilat", "Международная организация", "International organisation"),
    ("migrant_association", "Miqrant və ya diaspor birliyi", "Объединение мигрантов или диаспоры", "Migrant or diaspora association"),
    ("private", "Özəl sektor", "Частный сектор", "Private sector"),
]

# (code, axis, Azerbaijani, Russian, English)
PARTICIPANT_LEVELS: list[tuple[str, str, str, str, str]] = [
    ("senior", "seniority", "Yüksək səviyyəli rəhbərlik", "Высшее руководство", "Senior management"),
    ("middle", "seniority", "Orta səviyyəli rəhbərlik", "Руководство среднего звена", "Middle management"),
    ("practitioner", "seniority", "Təcrübəçi", "Специалист-практик", "Practitioner"),
    ("researcher", "seniority", "Tədqiqatçı / tələbə", "Исследователь / студент", "Researcher / student"),
    ("policy", "policy_cycle", "Siyasət səviyyəsi", "Уровень политики", "Policy level"),
    ("implementation", "policy_cycle", "Həyata keçirilmə səviyyəsi", "Уровень реализации", "Implementation level"),
    ("research", "policy_cycle", "Tədqiqat səviyyəsi", "Уровень исследований", "Research level"),
]

# Languages of delivery and of experts' work: the interface languages first, then the region's.
# (ISO 639-1 code, Azerbaijani, Russian, English)
LANGUAGES: list[tuple[str, str, str, str]] = [
    ("az", "Azərbaycan dili", "Азербайджанский", "Azerbaijani"),
    ("ru", "Rus dili", "Русский", "Russian"),
    ("en", "İngilis dili", "Английский", "English"),
    ("tr", "Türk dili", "Турецкий", "Turkish"),
    ("fa", "Fars dili", "Персидский", "Persian"),
    ("ka", "Gürcü dili", "Грузинский", "Georgian"),
    ("kk", "Qazax dili", "Казахский", "Kazakh"),
    ("ky", "Qırğız dili", "Киргизский", "Kyrgyz"),
    ("uz", "Özbək dili", "Узбекский", "Uzbek"),
    ("tg", "Tacik dili", "Таджикский", "Tajik"),
    ("tk", "Türkmən dili", "Туркменский", "Turkmen"),
    ("ro", "Rumın dili", "Румынский", "Romanian"),
    ("uk", "Ukrayna dili", "Украинский", "Ukrainian"),
    ("be", "Belarus dili", "Белорусский", "Belarusian"),
]
