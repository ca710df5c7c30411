"""StreamField blocks for editorial body content of modules, lessons and the home page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "document-link"]


class CalloutBlock(blocks.StructBlock):
    """A highlighted box with a heading and short text."""

    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link"])

    class Meta:
        icon = "info-circle"
        label = _("Callout")
        template = "blocks/callout_block.html"


class HandoutBlock(blocks.StructBlock):
    """A handout participants take away: a title, its text and an optional printable file."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link", "ol", "ul"])
    document = DocumentChooserBlock(label=_("Printable file"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Handout")
        template = "blocks/handout_block.html"


class DocumentBlock(blocks.StructBlock):
    """A link to a document in the library, with a short description."""

    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(label=_("Description"), required=False, max_length=255)

    class Meta:
        icon = "doc-full-inverse"
        label = _("Document")
        template = "blocks/document_block.html"


class VideoBlock(blocks.StructBlock):
    """An embedded video with a text alternative for slow connections and screen readers."""

    video = EmbedBlock(label=_("Video URL"), help_text=_("Address of the video page (for example on YouTube or Vimeo)."))
    transcript = blocks.TextBlock(label=_("Transcript or summary"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video_block.html"


class BodyBlock(blocks.StreamBlock):
    """The body of a module or lesson."""

    paragraph = blocks.RichTextBlock(label=_("Paragraph"), features=RICH_TEXT_FEATURES)
    image = ImageBlock(label=_("Image"))
    video = VideoBlock()
    document = DocumentBlock()
    callout = CalloutBlock()
    handout = HandoutBlock()
