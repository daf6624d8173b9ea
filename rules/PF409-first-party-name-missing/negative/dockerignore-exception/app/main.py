from app.build import steps
