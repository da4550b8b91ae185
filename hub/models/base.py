from governance.orm import Base

__all__ = ["Base"]
