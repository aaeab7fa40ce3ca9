"""The fill-in workbook: its template writer, its reader, and the layout contract they share."""
