"""Case files and audio/video records (一案一卷). The models arrive with the case-files issue."""
