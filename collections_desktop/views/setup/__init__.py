"""The sections of the Set-up page: one module per kind of set-up row, on one frame
(``section.SetupSection``); ``sections.SETUP_SECTIONS`` lists them in order."""
